"""The web app's settings. Each can be overridden by an INKLING_<NAME> environment variable (see create_app);
how gunicorn serves the app is in webapp/gunicorn.conf.py."""

from model_training.config import MODEL_DIR

DEFAULTS = {
    "MODEL_DIR": str(MODEL_DIR),  # the exported model the server (and the browser) use
    "MAX_CONTENT_LENGTH": 1024 * 1024,  # bytes; larger requests get 413, chunked or not
    "BODY_TIMEOUT": 10,  # seconds for a whole request body to arrive; a stalled one gets 408
    "TOP_K": 5,  # guesses returned by default
    "MAX_TOP_K": 20,
    # gzip what compresses well: TF.js, the wasm backend, pages, JSON. Model weights barely shrink.
    "COMPRESS_ALGORITHM": ["gzip"],
    "COMPRESS_MIMETYPES": ["text/html", "text/css", "text/javascript", "application/javascript",
                           "application/json", "application/wasm", "image/svg+xml"],
    "COMPRESS_MIN_SIZE": 1024,
}
