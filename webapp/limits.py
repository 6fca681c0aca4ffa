"""What one client address may ask of the server, shared by every worker and machine that points at the
same store (flask-limiter; RATELIMIT_STORAGE_URI: memory:// for one process, redis://host:6379 for several).

- Predictions cost their points: an address gets PREDICT_POINTS_RATE points of inference, so a client
  sending the largest drawings non-stop gets a few of them a second and everyone else keeps the CPU.
  Within one worker an address has at most PREDICT_CONCURRENCY predictions in progress.
- Shared rounds: CONTRIBUTION_RATE per address and CONTRIBUTION_DAILY_QUOTA per address per day. There is no
  limit for everyone together, which a few addresses could use up for all: the database is bounded by what
  it keeps instead (webapp/contributions.py).

The address is the connection's, or with TRUSTED_PROXIES set, the one the reverse proxy saw
(X-Forwarded-For, through Werkzeug's ProxyFix). It is never stored.
"""

import contextlib
from collections import Counter

from flask import current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from werkzeug.exceptions import TooManyRequests
from werkzeug.middleware.proxy_fix import ProxyFix

limiter = Limiter(key_func=get_remote_address)
_in_progress = Counter()  # address -> predictions in progress in this worker


# The page sends about 16 bytes a point; a raw drawing's float columns take up to about 40.
BYTES_PER_POINT = 32


def prediction_points():
    """A prediction request's cost: about the points it asks the model to read, counted without parsing
    it, so that refusing a client over its budget costs next to nothing. A point is three numbers in
    either format ([dx, dy, pen] rows, or the x, y and t columns of a raw drawing), so about three commas;
    and a body is charged by its size as well, so padding (whitespace, long numbers) costs what it weighs."""
    body = request.get_data()
    return max(1, body.count(b",") // 3, len(body) // BYTES_PER_POINT)


@contextlib.contextmanager
def one_of_few_in_progress():
    """At most PREDICT_CONCURRENCY predictions of one address in progress in this worker; TooManyRequests else."""
    address = get_remote_address()
    if _in_progress[address] >= current_app.config["PREDICT_CONCURRENCY"]:
        raise TooManyRequests("too many predictions at once from this address: wait for the last answer")
    _in_progress[address] += 1
    try:
        yield
    finally:
        _in_progress[address] -= 1
        if not _in_progress[address]:
            del _in_progress[address]


def init_app(app):
    if app.config["TRUSTED_PROXIES"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["TRUSTED_PROXIES"])
    limiter.init_app(app)
