"""What a first visit meets, in a real browser (Debian's Chromium through Playwright, gunicorn on 127.0.0.1):
on a phone (390x844, touch) no page scrolls sideways and every control is big enough for a finger; at
1280x800 the status and the controls are on the first screen; axe-core finds no violation on any page or
in any state of the game; with the model's files blocked, the server guesses."""

import json
import math

import pytest

from harness.live_server import live_server
from harness.pointer_input import draw_with_mouse, draw_with_touch
from model_training.core.config import PROJECT_ROOT

AXE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
MIN_TARGET_PX = 44
# A circle, as a person draws one: enough to get guesses, whatever the model makes of them.
ANGLES = [k / 39 * 2 * math.pi for k in range(40)]
CIRCLE = [[[100 + 80 * math.cos(a) for a in ANGLES], [100 + 80 * math.sin(a) for a in ANGLES], list(range(0, 400, 10))]]

# The controls a person taps, each with the box that takes the tap: an input's label where it has one; a link
# inside a sentence (a paragraph with other words) is left aside, as WCAG 2.5.8 does.
TARGETS = """() => [...document.querySelectorAll('a[href], button, input, select, summary')]
  .filter((el) => el.offsetParent !== null && !el.closest('.skip'))
  .filter((el) => !(el.tagName === 'A' && el.closest('p')
                    && el.closest('p').textContent.trim() !== el.textContent.trim()))
  .map((el) => {
    const box = (el.closest('label') ?? el).getBoundingClientRect();
    return { what: `${el.tagName.toLowerCase()} "${(el.textContent || el.id).trim().slice(0, 30)}"`,
             width: box.width, height: box.height };
  })"""


@pytest.fixture(scope="module")
def server():
    with live_server() as (url, _):
        yield url


def page_paths(url, browser):
    """Every page a person can reach: the drawing page, teaching it, the game, the model page, the learn index and
    each question."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{url}/learn")
    questions = page.eval_on_selector_all(
        "main a[href^='/learn/']", "links => links.map((a) => a.getAttribute('href'))"
    )
    context.close()
    assert len(set(questions)) == 10
    return ["/", "/teach", "/play", "/model", "/learn", *sorted(set(questions))]


def with_an_own_category(context):
    """The person has taught Inkling one thing (three circles), so the pages show what they show then."""
    own = [{"name": "my circle", "examples": [{"strokes": CIRCLE, "frame": {"x": 0, "y": 0, "size": 400}}] * 3}]
    context.add_init_script(f"localStorage.setItem('inkling.own-categories.v1', {json.dumps(json.dumps(own))})")
    return context


def open_ready(page, url):
    page.goto(url)
    if page.locator(".draw-layout").count():
        page.wait_for_selector(".draw-layout[data-ready=true]", timeout=60000)
    if page.locator("#game").count():
        page.wait_for_selector("#game[data-ready=true]", timeout=60000)


def sideways(page):
    return page.evaluate("document.documentElement.scrollWidth") - page.viewport_size["width"]


def small_targets(page):
    return [t for t in page.evaluate(TARGETS) if t["width"] < MIN_TARGET_PX - 0.5 or t["height"] < MIN_TARGET_PX - 0.5]


def axe_violations(page):
    page.add_script_tag(path=str(AXE))
    results = page.evaluate("axe.run(document, { resultTypes: ['violations'] })")
    return [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in results["violations"]]


def game_states(page, url, draw):
    """Yields the game's states in turn, named: the intro, a round being drawn, its verdict, the summary."""
    # A circle for a hedgehog: the round is not won (which would race the Skip below), the guesses still show.
    page.goto(f"{url}/play?prompts=hedgehog,circle")
    page.wait_for_selector("#game[data-ready=true]", timeout=60000)
    yield "intro"
    page.click("#start")
    page.wait_for_selector("#game[data-state=round][data-round='1']")
    draw(page, CIRCLE)
    yield "round"
    page.click("#skip")
    page.wait_for_selector("#game[data-finished='1']")
    yield "verdict"
    page.click("#next")
    page.wait_for_selector("#game[data-state=round][data-round='2']")
    page.click("#skip")
    page.click("#next")
    page.wait_for_selector("#game[data-state=summary]")
    yield "summary"


def test_on_a_phone_nothing_scrolls_sideways_and_every_control_takes_a_finger(browser, server):
    context = with_an_own_category(browser.new_context(**PHONE))
    page = context.new_page()
    for path in page_paths(server, browser):
        open_ready(page, server + path)
        assert sideways(page) <= 0, f"{path} scrolls sideways by {sideways(page)} px"
        assert small_targets(page) == [], path
    for state in game_states(page, server, draw_with_touch):
        assert sideways(page) <= 0, f"the game's {state} scrolls sideways by {sideways(page)} px"
        assert small_targets(page) == [], state
    context.close()


def test_at_1280x800_the_status_and_the_controls_are_on_the_first_screen(browser, server):
    context = browser.new_context(**DESKTOP)
    page = context.new_page()
    open_ready(page, server + "/")
    for selector in ("#status", "#undo", "#clear", "label:has(#server-mode)", "#pad"):
        assert page.locator(selector).bounding_box()["y"] + page.locator(selector).bounding_box()["height"] <= 800, (
            selector
        )
    assert page.inner_text("#guesses-hint")  # before the first stroke the guesses panel says what comes there
    states = game_states(page, server, draw_with_mouse)
    next(states)
    next(states)  # a round
    for selector in (
        "#prompt",
        "#pad",
        "#undo",
        "#clear",
        "#skip",
        "#status",
        "label:has(#speak)",
        "label:has(#share)",
    ):
        box = page.locator(selector).bounding_box()
        assert box["y"] + box["height"] <= 800, selector
    context.close()


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_axe_finds_no_violations_on_any_page_or_game_state(browser, server, device):
    # axe is put into the page as a script; the page's CSP would refuse it, so the test context bypasses it.
    context = with_an_own_category(browser.new_context(bypass_csp=True, **(PHONE if device == "phone" else DESKTOP)))
    page = context.new_page()
    for path in page_paths(server, browser):
        open_ready(page, server + path)
        assert axe_violations(page) == [], path
    for state in game_states(page, server, draw_with_touch if device == "phone" else draw_with_mouse):
        assert axe_violations(page) == [], state
    context.close()


def test_with_the_model_files_blocked_the_server_guesses(browser, server):
    context = browser.new_context(**DESKTOP)
    context.route("**/model/files/**", lambda route: route.abort())
    page = context.new_page()
    open_ready(page, server + "/")
    assert "server" in page.inner_text("#status") and "fetch" not in page.inner_text("#status").lower()
    draw_with_mouse(page, CIRCLE)
    page.wait_for_selector("#guesses[data-engine=server] li[data-label]", timeout=30000)
    page.goto(f"{server}/play?prompts=circle")
    page.wait_for_selector("#game[data-ready=true]", timeout=60000)
    assert "server" in page.inner_text("#status")
    page.click("#start")
    draw_with_mouse(page, CIRCLE)
    page.wait_for_selector("#guesses[data-engine=server] li[data-label]", timeout=30000)
    context.close()


def test_the_model_description_is_served_for_pages_that_cannot_fetch_the_files(client):
    described = client.get("/api/model").get_json()
    served = json.loads(client.get("/model/files/metadata.json").get_data())
    assert described == served and len(described["labels"]) == 345


# Where each arrow of an SVG diagram ends, and what it could be pointing at: a shape's edge, or out of the figure.
ARROW_ENDS = """svg => {
  const width = svg.viewBox.baseVal.width;
  const shapes = [...svg.querySelectorAll("circle, [data-box] rect")];
  const gap = (p, shape) => {
    if (shape.tagName === "circle") {
      const [x, y, r] = ["cx", "cy", "r"].map((k) => shape[k].baseVal.value);
      return Math.abs(Math.hypot(p.x - x, p.y - y) - r);
    }
    const b = shape.getBBox();
    const dx = Math.max(b.x - p.x, 0, p.x - (b.x + b.width));
    const dy = Math.max(b.y - p.y, 0, p.y - (b.y + b.height));
    const inside = dx === 0 && dy === 0;
    return inside ? Math.min(p.x - b.x, b.x + b.width - p.x, p.y - b.y, b.y + b.height - p.y) : Math.hypot(dx, dy);
  };
  return [...svg.querySelectorAll("[data-arrows] path")].map((path) => {
    const end = path.getPointAtLength(path.getTotalLength());
    return { d: path.getAttribute("d"), gap: end.x >= width - 12 ? 0 : Math.min(...shapes.map((s) => gap(end, s))) };
  });
}"""
LABELS_IN_BOXES = """svg => [...svg.querySelectorAll("[data-box]")].map((box) => {
  const r = box.querySelector("rect").getBBox(), t = box.querySelector("text").getBBox();
  return { text: box.textContent.trim(), fits: t.x >= r.x && t.x + t.width <= r.x + r.width };
})"""


def test_the_lstm_cell_diagram_points_every_arrow_at_what_it_feeds(browser, server):
    context = browser.new_context(**DESKTOP)
    page = context.new_page()
    page.goto(f"{server}/learn/lstm-cell")
    diagram = page.locator("svg.diagram")
    stray = [a for a in diagram.evaluate(ARROW_ENDS) if a["gap"] > 2]
    assert stray == [], f"arrows ending in empty space: {stray}"
    assert all(label["fits"] for label in diagram.evaluate(LABELS_IN_BOXES)), diagram.evaluate(LABELS_IN_BOXES)
    context.close()
