"""The browser's own JavaScript run under node, so parity checks and benchmarks can give it the inputs the
Python code gets. Every script in model_training/js/ reads a JSON request from the file named by its first
argument and writes its JSON answer to the file named by its second (stdout is left to whatever the
libraries print)."""

import json
import subprocess
import tempfile
from pathlib import Path

from model_training.core.config import PROJECT_ROOT

SCRIPTS = Path(__file__).resolve().parent / "js"


def run_node(script, payload):
    """`node model_training/js/<script>` on `payload`; its answer, parsed."""
    with tempfile.TemporaryDirectory() as scratch:
        request, response = Path(scratch) / "request.json", Path(scratch) / "response.json"
        request.write_text(json.dumps(payload))
        subprocess.run(
            ["node", str(SCRIPTS / script), str(request), str(response)],
            check=True,
            capture_output=True,
            cwd=PROJECT_ROOT,
        )
        return json.loads(response.read_text())
