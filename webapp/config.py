"""The web app's settings. Each can be overridden by an INKLING_<NAME> environment variable (see create_app);
how gunicorn serves the app is in webapp/gunicorn.conf.py."""

from model_training.core.config import MODEL_DIR, PROJECT_ROOT

# Flask's instance folder: what the running app writes (the default SQLite database). Git-ignored.
INSTANCE_DIR = PROJECT_ROOT / "instance"

DEFAULTS = {
    "MODEL_DIR": str(MODEL_DIR),  # the exported model the server (and the browser) use
    "MAX_CONTENT_LENGTH": 1024 * 1024,  # bytes; larger requests get 413, chunked or not
    "BODY_TIMEOUT": 10,  # seconds for a whole request body to arrive; a stalled one gets 408
    # TF.js backends the pages try, in order: fastest first on a CPU-only machine, as measured by
    # benchmarks/browser_inference.py (docs/experiments.md, "Benchmarks").
    "BROWSER_BACKENDS": ["wasm", "cpu", "webgl"],
    "DRAWING_STORAGE_KEY": "inkling.drawing.v1",  # where the drawing page keeps the drawing across reloads
    # where the pages keep a person's own categories (/teach): names and example drawings, in their browser
    "OWN_CATEGORIES_STORAGE_KEY": "inkling.own-categories.v1",
    # gzip what compresses well: TF.js, the wasm backend, pages, JSON. Model weights barely shrink.
    "COMPRESS_ALGORITHM": ["gzip"],
    "COMPRESS_MIMETYPES": [
        "text/html",
        "text/css",
        "text/javascript",
        "application/javascript",
        "application/json",
        "application/wasm",
        "image/svg+xml",
    ],
    "COMPRESS_MIN_SIZE": 1024,
    # Pages the same for everyone (webapp/page_cache.py) may be kept this long by browsers and nginx.
    "PAGE_CACHE_SECONDS": 60,
    # Contributed drawings (webapp/contributions.py). Any SQLAlchemy URL: postgresql+psycopg://... too.
    "DATABASE_URL": f"sqlite:///{INSTANCE_DIR / 'inkling.sqlite3'}",
    # What one client address may ask (webapp/limits.py). The store is shared by every worker and machine
    # given the same URL: memory:// counts per process, redis://host:6379 across all of them.
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_STRATEGY": "moving-window",
    "RATELIMIT_HEADERS_ENABLED": True,  # Retry-After on every 429
    "TRUSTED_PROXIES": 0,  # reverse proxies in front whose X-Forwarded-For names the client (1 behind nginx)
    # Points of inference per address; a prediction costs its points. The page's server fallback sends at
    # most max_points (250) rows a request, one request at a time: 10,000 a second leaves it room.
    "PREDICT_POINTS_RATE": "10000 per second",
    "PREDICT_CONCURRENCY": 2,  # predictions of one address in progress at once, per worker
    "CONTRIBUTION_RATE": "30 per minute",  # shared rounds per address
    "CONTRIBUTION_DAILY_QUOTA": "300 per day",  # shared rounds per address
    # What the database keeps of shared rounds, in points (a point is about 20 bytes stored): past it, the
    # oldest rounds that the model did not recognise go first (webapp/contributions.py).
    "CONTRIBUTIONS_MAX_POINTS": 50_000_000,
    # The game (/play): rounds, seconds per round, and which categories each level prompts, by the
    # evaluation's per-category top-1 on real test drawings (metrics.json), with enough drawings to trust it.
    "PLAY_ROUNDS": 6,
    "PLAY_ROUND_SECONDS": 20,
    "PLAY_LEVELS": {"easy": [0.7, 1.0], "hard": [0.35, 0.7]},
    "PLAY_MIN_TEST_DRAWINGS": 5,
    # When a round is won (webapp/win_rule.py): chosen by benchmarks/win_rule.py on real validation drawings.
    "WIN_RULE": {"min_probability": 0.0, "min_margin": 0.1, "hold_ms": 1000},
}
