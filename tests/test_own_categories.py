"""A person's own categories: the prototype and threshold code in both languages, kept identical, the
exported file's checks, the embedding the server returns, and teaching one in a real browser."""

import json
import math

import numpy as np
import pytest

from harness.live_server import live_server
from harness.pointer_input import draw_with_mouse, draw_with_touch
from model_training.core.config import MODEL_DIR
from model_training.core.drawing_checks import MAX_INPUT_POINTS
from model_training.core.model_package import ModelPackage
from model_training.core.own_categories import THRESHOLD, merge, prototype, similarities, unit
from model_training.node import run_node
from tests.conftest import in_view

MODEL_GUESSES = [{"label": "snail", "probability": 0.6}, {"label": "hurricane", "probability": 0.2}]


def test_a_prototype_is_the_unit_mean_of_unit_examples():
    # Scale does not count: an example twice as long pulls no harder.
    p = prototype([[3.0, 0.0], [0.0, 10.0]])
    np.testing.assert_allclose(p, [math.sqrt(0.5), math.sqrt(0.5)], rtol=1e-6)
    assert np.linalg.norm(p) == pytest.approx(1.0)
    assert similarities([5.0, 5.0], [p])[0] == pytest.approx(1.0)
    assert similarities([1.0, -1.0], [p])[0] == pytest.approx(0.0, abs=1e-7)
    assert list(unit([0.0, 0.0])) == [0.0, 0.0]  # an all-zero state stays zero, not NaN


def test_own_categories_are_proposed_only_from_the_threshold_most_similar_first_behind_surer_guesses():
    own = {"zigzag": unit([1.0, 0.0, 0.0]), "spiral": unit([0.8, 0.6, 0.0]), "logo": unit([0.0, 0.0, 1.0])}
    drawing = [0.9, 0.44, 0.0]  # cosine 0.898 to zigzag, 0.983 to spiral, 0 to logo
    merged = merge(MODEL_GUESSES, drawing, own, top_k=3, threshold=0.85, standing=0.7)
    assert [g["label"] for g in merged] == ["spiral", "zigzag", "snail"]
    # A guess the model is surer of than a proposed own category stands for keeps its place.
    surer = merge(MODEL_GUESSES, drawing, own, top_k=3, threshold=0.85, standing=0.5)
    assert [g["label"] for g in surer] == ["snail", "spiral", "zigzag"]
    assert merged[0]["own"] and merged[0]["similarity"] == pytest.approx(0.983, abs=1e-3)
    # Above every similarity: the model's guesses, untouched.
    assert merge(MODEL_GUESSES, drawing, own, top_k=5, threshold=0.99) == MODEL_GUESSES
    assert merge(MODEL_GUESSES, drawing, {}, top_k=5) == MODEL_GUESSES


def parity_cases():
    rng = np.random.default_rng(7)
    cases = []
    for k in range(40):
        dims = 160
        centres = rng.normal(size=(3, dims))
        examples = {
            f"thing {n}": [(centres[n] + rng.normal(scale=0.6, size=dims)).tolist() for _ in range(rng.integers(3, 6))]
            for n in range(3)
        }
        drawing = (centres[k % 3] + rng.normal(scale=0.6 + k / 20, size=dims)).tolist()
        standing = [0.1, 0.3, 0.6, 0.9][k % 4]  # before, between and after the model's two guesses
        case = {
            "examples": examples,
            "drawing": drawing,
            "guesses": MODEL_GUESSES,
            "top_k": 4,
            "threshold": 0.5 + k / 100,
        }
        cases.append({**case, "standing": standing})
    return cases


def test_the_page_and_the_server_merge_own_categories_identically():
    cases = parity_cases()
    page = run_node("own_categories_cli.mjs", {"cases": cases, "files": []})
    proposed_somewhere = 0
    for case, merged, prototypes in zip(cases, page["merged"], page["prototypes"]):
        own = {name: prototype(embeddings) for name, embeddings in case["examples"].items()}
        for name in own:
            np.testing.assert_allclose(prototypes[name], own[name], atol=1e-6)
        expected = merge(case["guesses"], case["drawing"], own, case["top_k"], case["threshold"], case["standing"])
        assert [g["label"] for g in merged] == [g["label"] for g in expected]
        for mine, theirs in zip(merged, expected):
            assert mine.get("similarity") == pytest.approx(theirs.get("similarity"), abs=2e-6)
        proposed_somewhere += any(g.get("own") for g in expected)
    assert 5 < proposed_somewhere < len(cases)  # the thresholds cut on both sides


def exported(categories, **changes):
    return json.dumps({"format": "inkling-own-categories", "version": 1, "categories": categories, **changes})


def test_an_exported_file_is_checked_before_anything_is_imported():
    example = {"strokes": [[[0, 10, 20], [0, 5, 0], [0, 16, 32]]], "frame": {"x": 0, "y": 0, "size": 500}}
    good = exported([{"name": "zigzag", "examples": [example] * 3}, {"name": "logo", "examples": []}])
    files = [
        good,
        "not json",
        json.dumps({"categories": []}),
        exported([{"name": "", "examples": []}]),
        exported([{"name": "a", "examples": []}, {"name": "a", "examples": []}]),
        exported([{"name": "zigzag", "examples": [{"strokes": [[[0, 1], [0]]], "frame": example["frame"]}]}]),
        exported([{"name": "zigzag", "examples": [{"strokes": example["strokes"], "frame": {"size": 0}}]}]),
        exported([{"name": "zigzag", "examples": [example] * 11}]),
    ]
    long = {"strokes": [[list(range(MAX_INPUT_POINTS + 1))] * 3], "frame": example["frame"]}
    files.append(exported([{"name": "zigzag", "examples": [long]}]))
    output = run_node("own_categories_cli.mjs", {"cases": [], "files": files})
    assert output["max_example_points"] == MAX_INPUT_POINTS  # the API's bound, one number for both
    results = output["imports"]
    assert results[0] == {"names": ["zigzag", "logo"], "kept": 2}
    assert all(r["names"] == [] for r in results[1:])  # nothing of a refused file is kept or used
    errors = [r["error"] for r in results[1:]]
    assert errors == [
        "the file is not JSON",
        "the file is not an export of Inkling's own categories",
        "the file cannot be read: a category has no name of 1 to 40 characters",
        'the file cannot be read: "a" is there twice',
        'the file cannot be read: an example of "zigzag" is not a drawing',
        'the file cannot be read: an example of "zigzag" has no frame',
        'the file cannot be read: "zigzag" needs a list of at most 10 example drawings',
        f'the file cannot be read: an example of "zigzag" has more than {MAX_INPUT_POINTS} points',
    ]


def test_a_file_the_browser_cannot_keep_is_neither_kept_nor_used():
    example = {"strokes": [[[0, 10, 20], [0, 5, 0], [0, 16, 32]]], "frame": {"x": 0, "y": 0, "size": 500}}
    file = exported([{"name": "zigzag", "examples": [example] * 3}])
    [result] = run_node("own_categories_cli.mjs", {"cases": [], "files": [file], "quota": 100})["imports"]
    assert result == {"error": "this browser cannot keep them (its storage is full or turned off)", "names": []}


def test_the_api_returns_the_embedding_the_page_matches_on(client):
    strokes = [[5, 0, 0], [0, 5, 0], [-5, 0, 0], [0, -5, 1]]
    body = client.post("/api/predict", json={"strokes": strokes, "embedding": True}).get_json()
    package = ModelPackage.from_pretrained(MODEL_DIR)
    _, state = package.engine().read(package.model_input(strokes))
    np.testing.assert_allclose(body["embedding"], state, atol=1e-6)
    assert "embedding" not in client.post("/api/predict", json={"strokes": strokes}).get_json()
    refused = client.post("/api/predict", json={"strokes": strokes, "embedding": "yes"})
    assert refused.status_code == 422 and refused.get_json()["error"] == "'embedding': input should be a valid boolean"


def spiral(wobble, phase, turns=3, points=120):
    """A drawing the model has no category for: a spiral, a little different each time."""
    xs, ys = [], []
    for i in range(points):
        t = i / (points - 1) * turns * 2 * math.pi + phase
        r = 10 + 40 * (1 + wobble) * i / (points - 1)
        xs.append(100 + r * math.cos(t))
        ys.append(100 + r * math.sin(t))
    return [[xs, ys, list(range(0, 16 * points, 16))]]


def guesses(page):
    return page.eval_on_selector_all("#guesses li[data-label]", "items => items.map(li => li.dataset.label)")


def teach_spiral(page, draw, name="my spiral"):
    """Name a thing (unless it is being taught already) and keep three drawings of a spiral for it."""
    if name:
        page.fill("#new-name", name)
        page.click("text=Start teaching it")
    for k, (wobble, phase) in enumerate([(0, 0), (0.1, 0.3), (-0.1, -0.2)]):
        draw(page, spiral(wobble, phase))
        page.click("#keep")
        page.wait_for_function(f"document.querySelectorAll('#own-list .own-examples li').length === {k + 1}")
    page.wait_for_selector("#teach[data-own-categories='1']")


@pytest.mark.services
@pytest.mark.parametrize("engine", ["browser", "server"])
def test_a_thing_taught_with_three_drawings_is_guessed_for_a_fourth_then_exported_and_imported(
    browser, engine, tmp_path
):
    with live_server() as (url, _):
        context = browser.new_context(viewport={"width": 1100, "height": 900}, accept_downloads=True)
        if engine == "server":  # the browser cannot load the model: the server sends embeddings
            context.route("**/model/files/**", lambda route: route.abort())
        page = context.new_page()
        problems = []
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.goto(f"{url}/teach")
        page.wait_for_selector("#teach[data-ready=true]", timeout=60000)
        assert page.is_disabled("#keep")  # nothing to keep before a thing is named and drawn
        teach_spiral(page, draw_with_mouse)
        assert "Inkling knows “my spiral” now" in page.inner_text("#teaching")
        draw_with_mouse(page, spiral(0.05, 0.5))
        page.wait_for_selector("#guesses li.own[data-label='my spiral']")
        assert guesses(page)[0] == "my spiral"
        assert page.is_disabled("#keep")  # a drawing tried out is not kept under the last name by mistake

        # The drawing page guesses it too, and still guesses its own categories for other drawings.
        page.goto(url)
        page.wait_for_selector(".draw-layout[data-ready=true][data-own-categories='1']", timeout=60000)
        page.keyboard.press("Escape")
        draw_with_mouse(page, spiral(-0.05, 1.0))
        page.wait_for_selector("#guesses li.own[data-label='my spiral']")
        assert guesses(page)[0] == "my spiral"
        assert "my spiral (yours)" in page.inner_text("#top-guess")

        if engine == "browser":  # the learn page follows the likeness while one draws (browser engine only)
            page.goto(f"{url}/learn/state-as-representation")
            page.wait_for_selector("[data-live-pad][data-ready=true]", timeout=60000)
            draw_with_mouse(page, spiral(0.05, 0.5), canvas="[data-live-pad] canvas")
            page.wait_for_selector("[data-likeness] li:has-text('my spiral')")
            assert "(proposed)" in page.inner_text("[data-likeness]")
            assert page.locator("[data-widget=likeness] polyline").count() == 1

        # Exported, deleted, imported back.
        page.goto(f"{url}/teach")
        page.wait_for_selector("#teach[data-ready=true]", timeout=60000)
        with page.expect_download() as download:
            page.click("#export")
        saved = tmp_path / "own.json"
        download.value.save_as(saved)
        page.on("dialog", lambda dialog: dialog.accept())
        page.click("button[aria-label='Delete “my spiral”']")
        page.wait_for_selector("#teach[data-own-categories='0']")
        assert page.locator("#own-list li").count() == 0
        page.set_input_files("#import", saved)
        page.wait_for_selector("#teach[data-own-categories='1']")
        assert "Imported 1" in page.inner_text("#file-status")
        page.set_input_files("#import", saved)  # again: the file's "my spiral" replaces the one here, and says so
        page.wait_for_selector("#file-status:has-text('replaced yours of the same name')")
        assert page.locator("#own-list li[data-name]").count() == 1
        page.fill("input[aria-label='Name of “my spiral”']", "my swirl")
        page.click("#own-list button:has-text('Rename')")
        page.wait_for_selector("#status:has-text('Renamed to “my swirl”')")
        bad = tmp_path / "bad.json"
        bad.write_text("{}")
        page.set_input_files("#import", bad)
        page.wait_for_selector("#file-status:has-text('Nothing imported')")
        assert page.locator("#own-list li[data-name]").count() == 1  # a bad file loses nothing
        assert problems == []
        context.close()


@pytest.mark.services
def test_teaching_on_a_phone_with_a_finger(browser):
    with live_server() as (url, _):
        context = browser.new_context(
            viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, device_scale_factor=2
        )
        page = context.new_page()
        page.goto(f"{url}/teach")
        page.wait_for_selector("#teach[data-ready=true]", timeout=60000)
        page.fill("#new-name", "my spiral")
        page.click("text=Start teaching it")
        draw_with_touch(page, spiral(0, 0))
        # Keep is on the first screen, and what it did shows where the finger is.
        assert page.locator("#keep").bounding_box()["y"] + page.locator("#keep").bounding_box()["height"] <= 844
        page.tap("#keep")
        page.wait_for_selector("#teaching:has-text('1 drawing of 3 kept')")
        assert in_view(page, "#teaching")
        page.click("button[aria-label='Remove drawing 1 of “my spiral”']")
        page.wait_for_selector("#teaching:has-text('0 drawings of 3 kept')")
        teach_spiral(page, draw_with_touch, name=None)
        draw_with_touch(page, spiral(0.05, 0.5))
        page.wait_for_selector("#guesses li.own[data-label='my spiral']")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        context.close()


def test_the_threshold_is_one_number_for_both_pages(client):
    for path in ("/", "/teach"):
        assert f'data-own-threshold="{THRESHOLD}"' in client.get(path).get_data(as_text=True)
