"""Real-browser tests: Debian's Chromium, driven by Playwright, against gunicorn on 127.0.0.1."""

import json
import re
import shutil

import pytest

from harness.live_server import live_server
from harness.pointer_input import draw_with_mouse, draw_with_touch
from model_training.core.config import MODEL_DIR
from model_training.core.ndjson import read_ndjson
from webapp.config import DEFAULTS

STORAGE_KEY = DEFAULTS["DRAWING_STORAGE_KEY"]


@pytest.fixture(scope="module")
def server():
    with live_server() as (url, _):
        yield url


@pytest.fixture()
def page(browser):
    context = browser.new_context(viewport={"width": 1100, "height": 900}, has_touch=True)
    page = context.new_page()
    page.problems = []
    page.on("console", lambda m: m.type == "error" and page.problems.append(m.text))
    page.on("pageerror", lambda e: page.problems.append(str(e)))
    yield page
    context.close()


@pytest.fixture(scope="module")
def cat(quickdraw_dir):
    return read_ndjson(quickdraw_dir / "raw" / "cat.ndjson.gz", limit=1)[0]["drawing"]


def open_page(page, url):
    page.goto(url)
    page.wait_for_selector(".draw-layout[data-ready=true]", timeout=60000)


def guesses(page, engine):
    # Selectors, not wait_for_function: the page's CSP forbids the string evaluation that would need.
    page.wait_for_selector(f"#guesses[data-engine={engine}] li[data-label]:nth-child(5)", timeout=30000)
    return page.eval_on_selector(
        "#guesses",
        """list => ({
        engine: list.dataset.engine, ms: parseFloat(list.dataset.ms),
        guesses: [...list.querySelectorAll('li')].map(
            li => [li.dataset.label, parseFloat(li.dataset.probability)])})""",
    )


def predictions_settled(page):
    """Wait until the guesses shown are the whole drawing's: none is scheduled, waiting or on the way."""
    page.wait_for_selector(".draw-layout[data-guessing=idle]")


def saved_strokes(page):
    return json.loads(page.evaluate(f"localStorage.getItem('{STORAGE_KEY}') || '[]'"))


def test_mouse_drawing_gets_live_browser_guesses(page, server, cat):
    open_page(page, server)
    assert page.locator(".draw-layout").get_attribute("data-backend") in DEFAULTS["BROWSER_BACKENDS"]
    draw_with_mouse(page, cat[:1])
    first = guesses(page, "browser")
    draw_with_mouse(page, cat)  # the rest of the cat (its first stroke drawn again)
    result = guesses(page, "browser")
    assert result["ms"] >= 0 and result["guesses"] != first["guesses"]
    probabilities = [p for _, p in result["guesses"]]
    assert probabilities == sorted(probabilities, reverse=True) and sum(probabilities) <= 1.0001
    assert page.inner_text("#status") == "Inkling guesses right here in your browser."
    page.click("#model-input summary")
    assert "in this browser (TF.js" in page.inner_text("#timing")  # the cost is there, not in the status
    assert page.inner_text("#input-shape").startswith("(")
    assert page.locator("#input-rows tr").count() == 6
    assert page.problems == []


def test_touch_draws_without_scrolling(page, server, cat):
    open_page(page, server)
    draw_with_touch(page, cat)
    result = guesses(page, "browser")
    assert len(result["guesses"]) == 5
    assert len(saved_strokes(page)) == len(cat)
    assert page.evaluate("window.scrollY") == 0
    assert page.problems == []


def test_server_fallback_gives_the_same_top1(page, server, cat, browser):
    open_page(page, server)
    draw_with_mouse(page, cat)
    in_browser = guesses(page, "browser")
    blocked = browser.new_context(viewport={"width": 1100, "height": 900})
    fallback = blocked.new_page()
    fallback.route(re.compile(r"/vendor/tf[^/]*\.js(\?|$)"), lambda route: route.abort())
    open_page(fallback, server)
    assert "The server guesses" in fallback.inner_text("#status")
    draw_with_mouse(fallback, cat)
    predictions_settled(fallback)
    on_server = guesses(fallback, "server")
    assert on_server["guesses"][0][0] == in_browser["guesses"][0][0]
    assert abs(on_server["guesses"][0][1] - in_browser["guesses"][0][1]) < 1e-4
    assert "from the server" in fallback.text_content("#timing")  # under "What the model sees"
    blocked.close()


def test_undo_clear_and_reload_keep_the_drawing(page, server, cat):
    open_page(page, server)
    draw_with_mouse(page, cat[:3])
    guesses(page, "browser")
    assert len(saved_strokes(page)) == 3
    page.reload()
    page.wait_for_selector(".draw-layout[data-ready=true]")
    assert len(saved_strokes(page)) == 3
    guesses(page, "browser")  # the restored drawing is guessed again
    page.click("#undo")
    assert len(saved_strokes(page)) == 2
    page.locator("#pad").focus()
    page.keyboard.press("Control+z")
    assert len(saved_strokes(page)) == 1
    page.keyboard.press("Escape")
    assert saved_strokes(page) == []
    page.wait_for_selector("#guesses:not(:has(li))")
    page.reload()
    page.wait_for_selector(".draw-layout[data-ready=true]")
    assert saved_strokes(page) == []
    assert page.problems == []


def test_unreachable_server_in_fallback_mode_keeps_the_drawing(page, server, cat):
    open_page(page, server + "/?engine=server")
    page.route("**/predict", lambda route: route.abort())
    draw_with_mouse(page, cat[:2])
    page.wait_for_selector("#status:has-text('cannot be reached')")
    assert len(saved_strokes(page)) == 2
    page.unroute("**/predict")
    draw_with_mouse(page, cat[2:3])
    assert guesses(page, "server")["guesses"]


@pytest.mark.services
def test_without_model_files_the_page_still_draws(browser, tmp_path, cat):
    with live_server(model_dir=tmp_path / "no-model") as (url, _):
        context = browser.new_context()
        page = context.new_page()
        open_page(page, url)
        assert "unavailable" in page.inner_text("main")
        draw_with_mouse(page, cat[:2])
        assert len(saved_strokes(page)) == 2
        context.close()


@pytest.mark.services
def test_a_model_description_the_page_cannot_use_is_refused_and_named(browser, tmp_path, cat):
    folder = tmp_path / "model"
    shutil.copytree(MODEL_DIR, folder)
    metadata = json.loads((folder / "metadata.json").read_text())
    metadata["preprocessing"]["delta_scale"] = 0  # every input row would be infinite
    (folder / "metadata.json").write_text(json.dumps(metadata))
    with live_server(model_dir=folder) as (url, _):
        context = browser.new_context()
        page = context.new_page()
        open_page(page, url)
        status = page.inner_text("#status")
        assert "No guesses for now" in status and "invalid 'preprocessing.delta_scale'" in status
        draw_with_mouse(page, cat[:2])
        assert len(saved_strokes(page)) == 2 and page.locator("#guesses li[data-label]").count() == 0
        context.close()


def draw_on_learn_pad(page, drawing):
    draw_with_mouse(page, drawing, canvas="[data-live-pad] canvas")


def test_learn_pages_live_shape_and_gates(page, server, cat):
    page.goto(server + "/learn/")
    page.click("text=The shape of an RNN's inputs and outputs")  # htmx navigation
    page.wait_for_selector("[data-live-pad][data-ready=true]", timeout=60000)
    assert page.url.endswith("/learn/input-dimensions")
    draw_on_learn_pad(page, cat)
    points = int(page.get_attribute("[data-live-pad]", "data-drawn-points"))
    assert points > 10
    assert page.inner_text("[data-input]") == f"(1, {points}, 3)"
    assert page.inner_text("[data-sequence]") == f"(1, {points}, 345)"

    page.click("a[rel=next]")  # question 3, then on to 6 by the page links
    page.goto(server + "/learn/lstm-cell")
    assert page.locator("svg.diagram title").text_content() == "The LSTM cell"
    page.wait_for_selector("[data-live-pad][data-ready=true]", timeout=60000)
    draw_on_learn_pad(page, cat)
    assert int(page.inner_text("[data-points]")) > 10
    for gate in ("input", "forget", "output"):
        values = [
            float(v)
            for pair in page.get_attribute(f"polyline[data-gate={gate}]", "points").split()
            for v in pair.split(",")[1:]
        ]
        assert len(values) > 10 and all(0 <= v <= 200 for v in values)
    page.goto(server + "/learn/seq2seq-seq2vec-vec2seq")
    page.wait_for_selector("[data-live-pad][data-ready=true]", timeout=60000)
    draw_on_learn_pad(page, cat)
    assert page.locator("[data-widget=perPoint] tbody tr").count() == 5
    assert page.inner_text("[data-final]") != "…"
    assert page.problems == []


def test_learn_images_and_links_resolve(page, server):
    from webapp.learn import PAGES

    for entry in PAGES:
        page.goto(f"{server}/learn/{entry['slug']}")
        broken = page.evaluate("[...document.images].filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src)")
        assert broken == [], entry["slug"]
        for href in page.eval_on_selector_all("main a[href^='/']", "links => links.map(a => a.getAttribute('href'))"):
            assert page.request.get(server + href).ok, href
    assert page.problems == []
