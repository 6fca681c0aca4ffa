"""static/js/strokes.js (run by node) and model_training/core/model_input.py read real raw drawings identically, with
the shipped preprocessing and with another model's, in each drawing's own frame and in a canvas's."""

import numpy as np
import pytest

from model_training.core.config import PREPROCESSING
from model_training.core.drawing_checks import validate_drawing
from model_training.core.model_input import drawing_frame, drawing_to_stroke3, normalize
from model_training.core.ndjson import read_ndjson
from model_training.node import run_node
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
    frames = [drawing_frame(validate_drawing(d), params, raw=True) for d in drawings]
    # The same drawings on a canvas of 800 px, the size of the page's on a desktop (frameOf in strokes.js).
    drawings += drawings[:100]
    frames += [(0.0, 0.0, params["canvas_size"] / 800)] * 100
    javascript = run_node("strokes_cli.mjs", {"params": params, "drawings": drawings, "frames": frames})
    for drawing, frame, js in zip(drawings, frames, javascript, strict=True):
        stroke3 = drawing_to_stroke3(drawing, params, frame)
        assert js["stroke3"] == stroke3.tolist()
        rows = normalize(stroke3, params)
        np.testing.assert_allclose(np.array(js["normalized"]).reshape(-1, 3), rows, atol=1e-6, rtol=0)
