"""How gunicorn serves Inkling: `gunicorn -c webapp/gunicorn.conf.py "webapp:create_app()"`.

scripts/run.sh and the tests' live server both start it this way. gevent workers, as gunicorn's design
notes advise for serving clients directly: each connection is a greenlet, so clients that send slowly,
or stall, hold a few KiB each instead of a worker. Inference is a few milliseconds of numpy per request.
Nothing of the app is imported here: the master must not import it before a worker has monkey-patched.
"""

import json
import os
import socket

# One BLAS thread per worker, set before any worker imports numpy: there is a worker per core already.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WORKERS", os.cpu_count() or 1))
worker_class = "gevent"
worker_connections = 1000  # open connections per worker, slow ones included
keepalive = 5  # seconds an idle connection, or one still sending its headers, is kept
timeout = 30  # a worker that stops answering gunicorn's heartbeat for this long is replaced
graceful_timeout = 10
limit_request_line = 4094
limit_request_fields = 50
limit_request_field_size = 8190
# Each request in one line, without the client's address, user agent or referrer: nothing kept on disk
# says who drew what (scripts/run.sh writes this log to its output).
access_log_format = '%(t)s "%(r)s" %(s)s %(b)s %(M)sms'
# Requests one keep-alive connection may carry; the last is answered with "Connection: close", so clients
# reconnect, and a worker that replaced a killed one gets its share of them instead of idling beside a busy
# survivor.
KEEPALIVE_REQUESTS = 100


def post_worker_init(worker):
    """gunicorn's own error responses (a malformed request line, too many headers) in the app's shape: JSON
    with "error", and the security headers every response of the app carries."""
    import gunicorn.util

    from webapp.security import HEADERS

    def write_error(sock, status_int, reason, message):
        body = (json.dumps({"error": f"{reason}: {message}"}) + "\n").encode()
        head = "".join(f"{name}: {value}\r\n" for name, value in HEADERS.items())
        gunicorn.util.write_nonblock(
            sock,
            (
                f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\n{head}\r\n"
            ).encode("latin-1")
            + body,
        )

    gunicorn.util.write_error = write_error


def pre_request(worker, req):
    if req.req_number >= KEEPALIVE_REQUESTS:
        req.must_close = True


def post_request(worker, req, environ, resp):
    """Close a connection after a 408: its client stalled mid-body, so what follows on it is not a request.
    Then let the worker's other connections go first: a keep-alive client whose next request is already
    waiting would otherwise be served again and again before a greenlet blocked on I/O gets its turn."""
    import gevent

    if resp.status_code == 408 and environ.get("gunicorn.socket") is not None:
        try:
            environ["gunicorn.socket"].shutdown(socket.SHUT_RDWR)
        except OSError:
            pass  # the client has gone already
    gevent.idle()
