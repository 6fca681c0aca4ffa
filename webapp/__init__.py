"""Inkling's web app: the drawing page, the model page, the learn pages and the prediction API.

gunicorn "webapp:create_app()"        (scripts/run.sh does this)
flask --app webapp db upgrade         (and the other commands of webapp/cli.py)
"""

import logging

from flask import Flask
from flask_compress import Compress

from model_training.core.config import PROJECT_ROOT
from webapp import (
    api,
    cli,
    contributions,
    database,
    errors,
    learn,
    limits,
    openapi,
    pages,
    play,
    request_body,
    schemas,
    security,
    static_files,
)
from webapp.config import DEFAULTS, INSTANCE_DIR
from webapp.inference import Predictor


def create_app(test_config=None):
    app = Flask(
        __name__,
        static_folder=str(PROJECT_ROOT / "static"),
        template_folder=str(PROJECT_ROOT / "templates"),
        instance_path=str(INSTANCE_DIR),
    )
    app.config.from_mapping(DEFAULTS)
    app.config.from_prefixed_env("INKLING")
    if test_config:
        app.config.update(test_config)
    app.config["DEBUG"] = False  # never: it would show stack traces to users
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    app.extensions["predictor"] = Predictor(app.config["MODEL_DIR"])
    app.jinja_env.globals["TOP_K"] = schemas.TOP_K  # the pages list as many guesses as the API returns
    # No redirect for a missing or doubled slash: Werkzeug would build its absolute URL from the client's
    # Host header, and send people wherever that says.
    app.url_map.strict_slashes = False
    app.url_map.merge_slashes = False
    request_body.init_app(app)
    limits.init_app(app)
    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(openapi.bp)
    app.register_blueprint(learn.bp)
    app.register_blueprint(play.bp)
    database.init_app(app)
    cli.init_app(app)
    app.register_blueprint(contributions.bp)
    errors.init_app(app)
    static_files.init_app(app)
    Compress(app)
    security.init_app(app)
    return app
