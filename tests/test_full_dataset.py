"""README's "Train on the full dataset", end to end at the fixture's scale: the official files served as
Google Cloud Storage serves them -> `download` -> preparation on Beam -> a short training on two worker
processes -> export -> evaluation -> the app serves the new package."""

import gzip
import json
import threading
import urllib.request

import pytest

from harness.live_server import live_server
from model_training.core.model_package import ModelPackage
from tests.conftest import FIXTURE_QUICKDRAW_DIR, run_module
from tests.test_download import Published
from tests.test_training import run_workers

QUICK = "cat,dog,bicycle,airplane,car,apple"  # --quick's categories


@pytest.mark.slow
@pytest.mark.training
def test_from_the_official_files_to_a_served_model(tmp_path):
    server = Published()
    for kind in ("simplified", "raw"):
        for category in QUICK.split(","):
            drawings = gzip.decompress((FIXTURE_QUICKDRAW_DIR / kind / f"{category}.ndjson.gz").read_bytes())
            server.files[f"/full/{kind}/{category}.ndjson"] = drawings
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        source, data_dir = tmp_path / "quickdraw", tmp_path / "tfds"
        run_module(
            "model_training.download",
            "quickdraw",
            "--base-url",
            f"{server.url}/full",
            "--out",
            source,
            "--categories",
            QUICK,
        )
    finally:
        server.shutdown()
        server.server_close()
    common = ["--source", source, "--data-dir", data_dir, "--categories", QUICK]
    prepared = run_module(
        "model_training.data", *common, "--beam", "--direct_num_workers=2 --direct_running_mode=multi_processing"
    )
    dataset = prepared.split("dataset: ")[1].split()[0]
    training = [
        "--quick",
        "--no-teacher",
        "--steps",
        "20",
        "--eval-every",
        "20",
        *common,
        "--distribute",
        "multiworker",
    ]
    outputs = run_workers(training, [tmp_path / "worker0", tmp_path / "worker1"])
    assert all("training on 2 replica(s)" in output for output in outputs)
    assert f"loading {dataset} ..." in outputs[0]  # the one Beam prepared: the same records, the same name
    model = tmp_path / "model"
    run_module("model_training.export", "--run", tmp_path / "worker0", "--out", model)
    run_module("model_training.evaluate", "--model-dir", model, *common)
    package = ModelPackage.from_pretrained(model)
    assert package.metrics["model"]["version"] == package.version
    with live_server(model_dir=model) as (url, _):
        health = json.load(urllib.request.urlopen(url + "/healthz"))
        request = urllib.request.Request(
            url + "/api/predict",
            json.dumps({"strokes": [[5, 0, 0], [0, 5, 0], [-5, 0, 1]]}).encode(),
            {"Content-Type": "application/json"},
        )
        answer = json.load(urllib.request.urlopen(request))
    assert health["model_version"] == answer["model_version"] == package.version
