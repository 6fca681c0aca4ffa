"""The browser (static/js/model_metadata.js, run by node) and the server (model_training/core/model_package.py)
judge a metadata.json by the one schema (model_training/core/metadata.schema.json) alike: the same problems, in
the same words, each naming its field."""

import copy
import json

from model_training.core.config import MODEL_DIR
from model_training.core.model_package import SCHEMA_VERSION, validate_metadata
from model_training.node import run_node


def variants():
    """The shipped metadata, and each field the pages read broken in the ways a hand edit or a bad export
    breaks it."""
    good = json.loads((MODEL_DIR / "metadata.json").read_text())
    broken = [good, [], "metadata"]

    def changed(edit):
        metadata = copy.deepcopy(good)
        edit(metadata)
        broken.append(metadata)

    for field in ("schema_version", "name", "version", "labels", "preprocessing", "calibration"):
        changed(lambda m, f=field: m.pop(f))
    for field, value in [
        ("schema_version", SCHEMA_VERSION + 1),
        ("schema_version", "1"),
        ("name", ""),
        ("version", 3),
        ("labels", []),
        ("labels", good["labels"][:-1] + [good["labels"][0]]),  # a duplicate
        ("labels", good["labels"][:-1] + [""]),
        ("labels", "cat,dog"),
        ("preprocessing", [255, 1.0, 2.0, 24.0, 250]),
        ("preprocessing", None),
        ("calibration", None),
        ("calibration", {}),
        ("calibration", {"temperature": 0}),
        ("calibration", {"temperature": "1.2"}),
        ("calibration", {"temperature": 1e300}),
        ("calibration", {"temperature": True}),
    ]:
        changed(lambda m, f=field, v=value: m.__setitem__(f, v))
    for field in ("canvas_size", "resample_spacing", "rdp_epsilon", "delta_scale", "max_points"):
        changed(lambda m, f=field: m["preprocessing"].pop(f))
        for value in (0, -1, "24", None, 2.5, True, 1e-300, 1e300):
            changed(lambda m, f=field, v=value: m["preprocessing"].__setitem__(f, v))
    return broken


def test_browser_and_server_find_the_same_problems():
    cases = variants()
    browser = run_node("metadata_cli.mjs", cases)
    assert browser["schema_version"] == SCHEMA_VERSION
    server = [validate_metadata(case) for case in cases]
    # Sound: the shipped one, 2.5 for the three real-valued settings whose range holds it, an rdp_epsilon of 0
    # or 1e-300 (no simplification at all).
    assert server[0] == [] and sum(not problems for problems in server) == 6
    assert browser["problems"] == server


def test_each_problem_names_its_field():
    good = json.loads((MODEL_DIR / "metadata.json").read_text())
    broken = copy.deepcopy(good)
    broken["preprocessing"]["delta_scale"] = 0
    del broken["calibration"]
    broken["labels"][3] = ""
    assert validate_metadata(broken) == [
        "metadata.json has an invalid 'labels.3'",
        "metadata.json has an invalid 'preprocessing.delta_scale'",
        "metadata.json has no 'calibration'",
    ]
    # A rule across fields, beside the schema: the chosen quantisation is one of those measured.
    other = copy.deepcopy(good)
    other["quantization"]["chosen"] = "int4"
    assert validate_metadata(other) == ["metadata.json's quantization.chosen names none of its candidates"]
