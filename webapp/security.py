"""Security headers on every response."""

# 'wasm-unsafe-eval' lets TF.js compile its WebAssembly backend; nothing else is evaluated, and there
# are no inline scripts or styles anywhere (htmx's indicator styles are switched off in base.html).
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'wasm-unsafe-eval'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def init_app(app):
    @app.after_request
    def add_security_headers(response):
        response.headers.update(HEADERS)
        return response
