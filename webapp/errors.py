"""Errors as JSON for the API and as pages for people; never a stack trace."""

import logging

from flask import jsonify, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

from webapp.schemas import Error

log = logging.getLogger(__name__)


def wants_json():
    return request.path.startswith("/api/") or request.path == "/healthz"


def init_app(app):
    @app.errorhandler(HTTPException)
    def http_error(error):
        # Keep what the exception says beyond its body, such as the Allow header of a 405.
        headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
        if wants_json():
            return jsonify(Error(error=error.name, detail=error.description).model_dump()), error.code, headers
        return render_template("error.html", error=error), error.code, headers

    @app.errorhandler(Exception)
    def unexpected_error(error):
        log.exception("unhandled error on %s %s", request.method, request.path)
        return http_error(InternalServerError())
