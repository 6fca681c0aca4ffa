"""The model package is the one truth: whatever serves, scores or plays with a model reads its labels,
preprocessing and version through ModelPackage.from_pretrained, and its figures only when they are its own.
A package made here with settings unlike the defaults shows the server and the browser both follow it."""

import json
import logging
import shutil

import numpy as np
import pytest

from harness.live_server import live_server
from model_training.core.config import MODEL_DIR, PREPROCESSING
from model_training.core.model_input import drawing_to_stroke3
from model_training.core.model_package import ModelPackage, ModelPackageError
from model_training.core.ndjson import read_ndjson
from tests.conftest import OTHER_PREPROCESSING


def package_copy(folder, preprocessing=None, metrics=None):
    """The shipped package copied to `folder`, with other preprocessing and other metrics.json if given."""
    shutil.copytree(MODEL_DIR, folder)
    if preprocessing:
        metadata = json.loads((folder / "metadata.json").read_text())
        metadata["preprocessing"] = preprocessing
        (folder / "metadata.json").write_text(json.dumps(metadata))
    if metrics is not None:
        (folder / "metrics.json").write_text(json.dumps(metrics))
    return folder


@pytest.fixture(scope="module")
def other_package(tmp_path_factory):
    return package_copy(tmp_path_factory.mktemp("other") / "model", preprocessing=OTHER_PREPROCESSING)


@pytest.fixture(scope="module")
def raw_cat(quickdraw_dir):
    return read_ndjson(quickdraw_dir / "raw" / "cat.ndjson.gz", limit=1)[0]["drawing"]


def test_the_server_reads_drawings_by_the_loaded_packages_preprocessing(make_app, other_package, raw_cat):
    package = ModelPackage.from_pretrained(other_package)
    assert package.preprocessing == OTHER_PREPROCESSING
    client = make_app(MODEL_DIR=str(other_package)).test_client()
    body = client.post("/api/predict", json={"drawing": raw_cat}).get_json()
    assert body["points"] == len(package.model_input(package.drawing_to_stroke3(raw_cat)))
    assert body["points"] != len(drawing_to_stroke3(raw_cat, PREPROCESSING))  # the defaults would differ
    by_rows = client.post("/api/predict", json={"strokes": package.drawing_to_stroke3(raw_cat).tolist()}).get_json()
    assert by_rows["guesses"] == body["guesses"]


@pytest.mark.services
def test_the_page_reads_drawings_by_the_packages_preprocessing_and_agrees_with_the_server(
    browser, other_package, raw_cat
):
    package = ModelPackage.from_pretrained(other_package)
    canvas = 800  # the raw cat drawn on a canvas of 800 px: the page frames it by the canvas
    expected = package.model_input(package.drawing_to_stroke3(raw_cat, canvas))
    with live_server(model_dir=other_package) as (url, _):
        page = browser.new_page()
        page.goto(url)
        page.wait_for_selector(".draw-layout[data-ready=true]", timeout=60000)
        result = page.evaluate(
            """async ([strokes, size]) => {
              const { Guesser } = await import("/static/js/guesser.js");
              const { loadModel } = await import("/static/js/model_client.js");
              const root = document.querySelector(".draw-layout");
              const { metadata, engine } = await loadModel(root, { backends: [root.dataset.backend] });
              const guesser = new Guesser({ metadata, engine, topK: 5, onResult: () => {} });
              const { rows } = guesser.modelInput(strokes, { x: 0, y: 0, size });
              return { rows: Array.from(rows), top: guesser.guessInBrowser(rows).guesses[0].label,
                       preprocessing: metadata.preprocessing };
            }""",
            [raw_cat, canvas],
        )
        server = page.request.post(f"{url}/api/predict", data={"drawing": raw_cat, "canvas_size": canvas}).json()
        page.close()
    assert result["preprocessing"] == OTHER_PREPROCESSING
    np.testing.assert_allclose(np.array(result["rows"]).reshape(-1, 3), expected, atol=1e-6, rtol=0)  # point for point
    assert result["top"] == server["guesses"][0]["label"]


def test_figures_of_another_model_are_set_aside_and_said_so(make_app, tmp_path, caplog):
    shipped = json.loads((MODEL_DIR / "metrics.json").read_text()) if (MODEL_DIR / "metrics.json").is_file() else {}
    if not shipped:
        pytest.skip("the shipped model has no metrics.json")
    stale = {**shipped, "model": {**shipped["model"], "version": "2020.01.01-00000000"}}
    folder = package_copy(tmp_path / "model", metrics=stale)
    package = ModelPackage.from_pretrained(folder)
    assert package.metrics is None and "describes model 2020.01.01-00000000" in package.metrics_problem
    with caplog.at_level(logging.WARNING):
        client = make_app(MODEL_DIR=str(folder)).test_client()
    assert "the model page shows no figures" in caplog.text
    page = client.get("/model").get_data(as_text=True)
    assert "No accuracy figures are shown: metrics.json describes model 2020.01.01-00000000" in page
    assert "accuracy_while_drawing.png" not in page  # the plots are that model's too
    prompts = json.loads(
        client.get("/play").get_data(as_text=True).split('data-prompts="')[1].split('"')[0].replace("&#34;", '"')
    )
    assert len(prompts) == 6  # the game still offers its rounds, from every category


def test_the_shipped_package_holds_its_own_figures():
    package = ModelPackage.from_pretrained(MODEL_DIR)
    assert package.metrics is not None, package.metrics_problem
    assert package.metrics["model"] == package.identity
    assert all((MODEL_DIR / plot).is_file() for plot in package.metrics["plots"])
    assert package.metadata["run"]["teacher_sha256"] and package.metadata["run"]["config"]["teacher"]


def test_a_package_with_a_wrong_checksum_is_refused(tmp_path):
    folder = package_copy(tmp_path / "model")
    metadata = json.loads((folder / "metadata.json").read_text())
    metadata["weights"] = {name: "0" * 64 for name in metadata["weights"]}
    (folder / "metadata.json").write_text(json.dumps(metadata))
    with pytest.raises(ModelPackageError, match="does not match its checksum"):
        ModelPackage.from_pretrained(folder)
