"""Static files named by their content: every url_for('static', ...) carries ?v=<hash of the file>, so a
file so named can be kept by browsers (and nginx says so) for a year, and a changed file gets a new name.
A file fetched without it (an ES module's import, the model's weights) is checked again each time."""

import hashlib
from functools import cache
from pathlib import Path

from flask import current_app, request

YEAR = 365 * 24 * 3600


@cache
def _version(path, modified_ns):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]


def version_of(filename):
    """The first 12 hex digits of the file's sha256, or None when `filename` is no file in static/."""
    path = Path(current_app.static_folder, filename)
    if not path.is_file():
        return None
    return _version(str(path), path.stat().st_mtime_ns)


def init_app(app):
    @app.url_defaults
    def add_version(endpoint, values):
        if endpoint == "static" and "v" not in values:
            version = version_of(values.get("filename", ""))
            if version:
                values["v"] = version

    # What the app itself serves (without nginx): the same rule as nginx.conf's.
    app.get_send_file_max_age = lambda filename: YEAR if request.args.get("v") else None
