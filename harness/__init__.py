"""What the tests and the benchmarks share to drive the app as people and clients do: a real server on
127.0.0.1 (with nginx and Redis where asked), load on it, and strokes drawn on a page's canvas. It imports
neither the tests nor the benchmarks (.importlinter)."""
