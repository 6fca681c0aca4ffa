"""static/js/strokes.js (run by node) and model_training/strokes.py agree on real raw drawings, with Google's
recipe and with preprocessing settings of another model."""

import numpy as np
import pytest

from model_training.config import PREPROCESSING
from model_training.node import run_node
from model_training.strokes import drawing_to_stroke3, normalize, read_ndjson
from tests.conftest import OTHER_PREPROCESSING


@pytest.mark.parametrize("params", [PREPROCESSING, OTHER_PREPROCESSING], ids=["google", "other"])
def test_python_and_javascript_preprocess_identically(quickdraw_dir, params):
    files = sorted((quickdraw_dir / "raw").glob("*.ndjson.gz"))
    drawings = []  # about 300, from every category there is: 1 each from the shared folder, 20 from the fixture
    for path in files:
        drawings += [r["drawing"] for r in read_ndjson(path, limit=-(-300 // len(files)))]
    assert len(drawings) >= 100
    # The same drawings shrunk into integers near the canvas's corner, timestamps kept: still raw.
    for drawing in drawings[:100]:
        drawings.append([[[round(x / 8) for x in s[0]], [round(y / 8) for y in s[1]], s[2]] for s in drawing])
    javascript = run_node("strokes_cli.mjs", {"params": params, "drawings": drawings})
    for drawing, js in zip(drawings, javascript, strict=True):
        stroke3 = drawing_to_stroke3(drawing, params)
        assert js["stroke3"] == stroke3.tolist()
        rows = normalize(stroke3, params)
        np.testing.assert_allclose(np.array(js["normalized"]).reshape(-1, 3), rows, atol=1e-6, rtol=0)
        assert np.abs(np.cumsum(stroke3[:, :2], axis=0)).max() <= params["canvas_size"]
