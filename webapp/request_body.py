"""Every request body is read whole before a view sees it: at most MAX_CONTENT_LENGTH bytes, chunked or
not, and within BODY_TIMEOUT seconds.

Werkzeug alone would cut a chunked body at the limit and parse the rest, and would wait for a stalled
body as long as the client likes. Here a body over the limit is a 413, a stalled one a 408 (and the
connection is closed, webapp/gunicorn.conf.py), and one that ends before its Content-Length or whose
chunks are malformed a 400, each through the app's error pages. The deadline is a gevent
timeout: it fires under gunicorn's gevent workers (webapp/gunicorn.conf.py), where socket reads yield.
"""

import io

import gevent
from flask import abort, current_app, request

CHUNK = 64 * 1024


def read_body():
    environ = request.environ
    length = environ.get("CONTENT_LENGTH") or ""
    coding = environ.get("HTTP_TRANSFER_ENCODING", "").lower()
    if coding not in ("", "chunked"):  # gzip and the like: a body the app would read as something else
        abort(400, f"the request's Transfer-Encoding ({coding[:20]}) is not supported: send it plain or chunked")
    chunked = coding == "chunked"
    if not length and not chunked:
        return  # no body
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    if length and (not length.isdigit() or int(length) > limit):
        abort(413 if length.isdigit() else 400)
    wanted = int(length) if length else limit + 1  # one byte more than allowed shows a chunked body is too long
    body = io.BytesIO()
    try:
        with gevent.Timeout(current_app.config["BODY_TIMEOUT"]):
            while body.tell() < wanted:
                chunk = environ["wsgi.input"].read(min(CHUNK, wanted - body.tell()))
                if not chunk:
                    break
                body.write(chunk)
    except gevent.Timeout:
        abort(408, f"the request body did not arrive within {current_app.config['BODY_TIMEOUT']} seconds")
    except (OSError, ValueError):  # the server's parser refuses the body's framing (a chunk size like "zz")
        abort(400, "the request body's chunked framing is malformed")
    if body.tell() > limit:
        abort(413)
    if length and body.tell() < int(length):
        abort(400, "the request body ended before its Content-Length")
    # From here on Flask reads the buffered body; nothing has read the original stream yet.
    environ["wsgi.input"] = io.BytesIO(body.getvalue())
    environ["CONTENT_LENGTH"] = str(body.tell())
    environ.pop("HTTP_TRANSFER_ENCODING", None)
    environ["wsgi.input_terminated"] = False


def init_app(app):
    app.before_request(read_body)
