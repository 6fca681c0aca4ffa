"""The game in a real browser (Debian's Chromium through Playwright, gunicorn on 127.0.0.1): six rounds with
a mouse, and on a phone with a finger; shared rounds land in the database (SQLite here: PostgreSQL stores
the same rounds in tests/test_contributions.py), survive a database that is down, and go back into the
dataset through the export."""

import json
import random
import shutil
import subprocess

import pytest

from harness.live_server import live_server
from harness.pointer_input import draw_with_mouse, draw_with_touch
from model_training.core.config import MODEL_DIR, PROJECT_ROOT
from model_training.core.ndjson import read_ndjson
from model_training.node import run_node
from tests.conftest import FIXTURE_QUICKDRAW_DIR, in_view, run_flask, run_module, stored_contributions
from webapp.config import DEFAULTS
from webapp.database import upgrade
from webapp.win_rule import guesses_hold

CATEGORIES = ("cat", "bicycle", "apple", "airplane", "car", "dog")
# Speech is spied on, never played: each utterance is recorded on the window, and "speaking" ends at once.
SPEECH_SPY = """
window.spokenLines = [];
window.speechSynthesis.speak = (utterance) => { window.spokenLines.push(utterance.text); };
"""
NO_SPEECH = "delete window.speechSynthesis; delete Window.prototype.speechSynthesis;"


@pytest.fixture(scope="module")
def recognised(browser):
    """{category: a real fixture drawing} that the drawing page, drawn with the mouse, guesses right clearly
    enough to win by the game's rule: the game's rounds with these drawings must be won."""
    found = {}
    with live_server() as (url, _):
        context = browser.new_context(viewport={"width": 1100, "height": 900})
        page = context.new_page()
        page.goto(url)
        page.wait_for_selector(".draw-layout[data-ready=true]", timeout=60000)
        for category in CATEGORIES:
            for record in read_ndjson(FIXTURE_QUICKDRAW_DIR / "raw" / f"{category}.ndjson.gz", limit=6):
                page.keyboard.press("Escape")
                draw_with_mouse(page, record["drawing"])
                page.wait_for_selector("#guesses[data-engine=browser] li[data-label]")
                shown = page.eval_on_selector_all(
                    "#guesses li[data-label]",
                    "items => items.map(li => ({label: li.dataset.label, probability: +li.dataset.probability}))",
                )
                if guesses_hold(shown, category, DEFAULTS["WIN_RULE"]):
                    found[category] = record["drawing"]
                    break
            if len(found) == 4:  # as many as any test here plays
                break
        context.close()
    assert len(found) >= 4, f"too few recognised fixture drawings: {sorted(found)}"
    return found


def test_the_win_rule_holds_only_for_a_clear_lead():
    rule = {"min_probability": 0.25, "min_margin": 0.1, "hold_ms": 1000}
    guess = lambda *pairs: [{"label": label, "probability": p} for label, p in pairs]  # noqa: E731
    assert guesses_hold(guess(("cat", 0.5), ("dog", 0.3)), "cat", rule)
    assert guesses_hold(guess(("cat", 0.3)), "cat", rule)  # no second guess: the margin is its probability
    assert not guesses_hold(guess(("cat", 0.5), ("dog", 0.45)), "cat", rule)  # too close to the second
    assert not guesses_hold(guess(("cat", 0.2), ("dog", 0.05)), "cat", rule)  # too unsure
    assert not guesses_hold(guess(("dog", 0.9), ("cat", 0.05)), "cat", rule)  # not the prompt
    assert not guesses_hold([], "cat", rule)


def test_the_page_and_the_export_apply_one_win_rule():
    rng = random.Random(7)
    rule = DEFAULTS["WIN_RULE"]
    cases = []
    for _ in range(300):
        labels = rng.sample(["cat", "dog", "car", "sun"], rng.randint(0, 3))
        # Probabilities on a coarse grid, so that ties with the rule's bounds come up.
        probabilities = sorted((rng.randint(0, 20) / 20 for _ in labels), reverse=True)
        guesses = [{"label": label, "probability": p} for label, p in zip(labels, probabilities)]
        cases.append({"guesses": guesses, "prompt": "cat"})
    page = run_node("win_rule_cli.mjs", {"rule": rule, "cases": cases})["holds"]
    assert page == [guesses_hold(c["guesses"], c["prompt"], rule) for c in cases]
    assert 0 < sum(page) < len(page)


def open_game(context, url):
    page = context.new_page()
    page.problems = []
    page.on("pageerror", lambda e: page.problems.append(str(e)))
    page.goto(url)
    page.wait_for_selector("#game[data-ready=true]", timeout=60000)
    return page


def play_round(page, number, drawing=None, draw=draw_with_mouse, action=None, go_on=lambda p: p.click("#next")):
    """Play round `number` (1-based): draw until the round ends, or do `action` (skip), or let time run out;
    then the player goes on (`go_on`): the next round waits for them."""
    page.wait_for_selector(f"#game[data-state=round][data-round='{number}']")
    over = f"#game[data-finished='{number}']"
    if drawing:
        draw(page, drawing, stop=lambda: page.locator(over).count() > 0)
    if action:
        action(page)
    page.wait_for_selector(over, timeout=40000)
    go_on(page)


@pytest.mark.services
def test_six_rounds_with_a_mouse_shared_exported_and_counted(browser, recognised, tmp_path):
    database_url = f"sqlite:///{tmp_path / 'inkling.sqlite3'}"
    upgrade(database_url)
    won = list(recognised)[:4]
    prompts = [*won, "The Mona Lisa", "yoga"]  # the fifth is skipped, the sixth runs out of time, undrawn
    with live_server(env={"INKLING_DATABASE_URL": database_url}) as (url, _):
        context = browser.new_context(viewport={"width": 1100, "height": 900})
        context.add_init_script(SPEECH_SPY)
        page = open_game(context, f"{url}/play?prompts={','.join(prompts)}")
        assert not page.is_checked("#share")  # off until the person says yes
        assert not page.is_checked("#speak")  # sound, too, only when asked for
        page.check("#speak")
        page.check("#share")
        page.focus("#start")
        page.keyboard.press("Enter")  # keyboard-usable
        for number, prompt in enumerate(won, start=1):
            page.wait_for_selector(f"#game[data-round='{number}']")
            assert (
                page.inner_text("#prompt")
                == f"Round {number} of 6: draw {'an' if prompt[0] in 'aeiou' else 'a'} {prompt}"
            )
            if number > 1:
                play_round(page, number, recognised[prompt])
                continue
            # After the verdict the canvas takes no more strokes, and the next round waits for the player.
            play_round(page, 1, recognised[prompt], go_on=lambda p: None)
            page.wait_for_selector("#others:not(.hidden) .others-drawings canvas")
            label = page.get_attribute("#others-drawings canvas", "aria-label")
            assert label.startswith("Another player's drawing of") and label.endswith(prompt)
            drawn = page.get_attribute("#game", "data-points")
            draw_with_mouse(page, recognised[prompt][:2])
            page.wait_for_timeout(2500)
            assert page.get_attribute("#game", "data-points") == drawn
            assert page.get_attribute("#game", "data-round") == "1" and page.is_disabled("#skip")
            page.keyboard.press("Enter")  # goes on, though the click on the canvas took the focus from Next
            page.wait_for_selector("#game[data-round='2'][data-points='0']")
        play_round(page, 5, action=lambda p: p.click("#skip"))
        page.wait_for_selector("#game[data-round='6']")
        start = int(page.inner_text("#seconds-left"))
        page.wait_for_selector(f"#seconds-left:not(:text-is('{start}'))")
        assert int(page.inner_text("#seconds-left")) < start  # the clock runs down
        play_round(page, 6)  # time runs out
        page.wait_for_selector("#game[data-state=summary]")
        assert page.get_attribute("#game", "data-results") == "111100"
        assert page.inner_text("#summary-title") == "Inkling recognised 4 of your 6 drawings"
        items = page.locator("#results > li")
        assert items.count() == 6
        assert [items.nth(i).get_attribute("data-prompt") for i in range(6)] == prompts
        assert "Recognised after" in items.nth(0).inner_text() and "Not drawn" in items.nth(5).inner_text()
        # How others drew each prompt: a few real training drawings, in the summary as after each round.
        assert items.nth(0).locator(".others-drawings canvas").count() == 3
        assert items.nth(4).inner_text().endswith("Skipped")
        assert page.locator("#results > li > figure > canvas").count() == 6
        spoken = page.evaluate("window.spokenLines")
        assert f"Oh, I know, it's {'an' if won[0][0] in 'aeiou' else 'a'} {won[0]}!" in spoken
        assert "Time's up!" in spoken and page.inner_text("#speech")
        assert "Draw The Mona Lisa" in spoken  # no article before a title, nor before "scissors" and the like
        assert "/play?prompts=" in page.get_attribute("#challenge", "href")
        page.wait_for_selector("#share-status:has-text('4 drawings shared')")  # every round stored
        assert page.evaluate("JSON.parse(localStorage.getItem('inkling.pending-contributions.v1'))") == []
        version = page.evaluate("fetch('/model/files/metadata.json').then(r => r.json()).then(m => m.version)")
        assert page.problems == []
        context.close()

    stored = stored_contributions(database_url)
    assert [r.prompt for r in stored] == won and all(r.recognized and r.recognized_ms > 0 for r in stored)
    assert all(r.model_version == version and r.engine == "browser" and len(r.drawing[0]) == 3 for r in stored)
    assert len({r.client_id for r in stored}) == 1 and stored[0].client_id

    # ... and back into training: export, build the dataset with them, see them counted.
    out = tmp_path / "contributions"
    run_flask("contributions", "export", "--out", out, database_url=database_url)
    printed = run_module(
        "model_training.data",
        "--source",
        FIXTURE_QUICKDRAW_DIR,
        "--categories",
        ",".join(won),
        "--contributions",
        out,
        "--data-dir",
        tmp_path / "tfds",
    )
    counted = printed.split("contributed (from the game, among the real ones): ")[1].splitlines()[0]
    assert sum(int(part.split()[-1]) for part in counted.split(", ")) == 4, printed


@pytest.mark.services
def test_a_phone_with_a_finger_and_no_speech(browser, recognised, tmp_path):
    database = f"sqlite:///{tmp_path / 'inkling.sqlite3'}"
    prompt = next(iter(recognised))
    with live_server(env={"INKLING_DATABASE_URL": database}) as (url, _):
        context = browser.new_context(
            viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, device_scale_factor=2
        )
        context.add_init_script(NO_SPEECH)
        page = open_game(context, f"{url}/play?prompts={prompt},hedgehog")
        assert page.is_disabled("#speak") and "cannot speak" in page.inner_text(".settings")
        page.tap("#start")
        play_round(page, 1, recognised[prompt], draw=draw_with_touch, go_on=lambda p: None)
        # What Inkling sees and says is on the screen with the drawing, not below it.
        assert page.inner_text("#top-guess") == f"Looks like: {prompt}" and in_view(page, "#top-guess")
        assert "Oh, I know" in page.inner_text("#speech") and in_view(page, "#speech")
        page.tap("#next")
        play_round(page, 2, action=lambda p: p.tap("#skip"), go_on=lambda p: p.tap("#next"))
        page.wait_for_selector("#game[data-state=summary]")
        assert page.get_attribute("#game", "data-results") == "10"
        assert page.evaluate("window.scrollX") == 0 and page.evaluate("document.documentElement.scrollWidth") <= 390
        assert page.problems == []
        context.close()
    assert stored_contributions(database) == []  # not shared: the person never said yes


@pytest.mark.services
def test_a_database_that_is_down_loses_no_drawing(browser, recognised, tmp_path):
    database = f"sqlite:///{tmp_path / 'inkling.sqlite3'}"  # not migrated yet: every insert fails
    first, second = list(recognised)[:2]
    with live_server(env={"INKLING_DATABASE_URL": database}, migrate=False) as (url, _):
        context = browser.new_context(viewport={"width": 1100, "height": 900})
        page = open_game(context, f"{url}/play?prompts={first},{second}")
        page.check("#share")
        page.click("#start")
        play_round(page, 1, recognised[first])
        page.wait_for_selector("#share-status:has-text('kept here and sent again')")
        assert len(page.evaluate("JSON.parse(localStorage.getItem('inkling.pending-contributions.v1'))")) == 1
        upgrade(database)  # the database is back
        play_round(page, 2, recognised[second])
        page.wait_for_selector("#share-status:has-text('2 drawings shared')")
        context.close()
    assert [r.prompt for r in stored_contributions(database)] == [first, second]


def test_prompts_come_from_well_known_categories_and_bad_sets_are_refused(make_app, tmp_path):
    # A package whose figures are made up here, so which categories each level may ask for is known.
    folder = tmp_path / "model"
    shutil.copytree(MODEL_DIR, folder)
    metrics = json.loads((folder / "metrics.json").read_text())
    labels = json.loads((folder / "metadata.json").read_text())["labels"]
    easy, hard, unsure = labels[:8], labels[8:16], labels[16:24]
    metrics["per_category"] = {
        **{label: {"top1": 0.9, "drawings": 10} for label in easy},
        **{label: {"top1": 0.5, "drawings": 10} for label in hard},
        **{label: {"top1": 0.9, "drawings": 2} for label in unsure},  # too few test drawings to trust
    }
    (folder / "metrics.json").write_text(json.dumps(metrics))
    client = make_app(MODEL_DIR=str(folder)).test_client()
    for level, allowed in (("easy", easy), ("hard", hard)):
        for _ in range(5):
            html = client.get(f"/play?level={level}").get_data(as_text=True)
            prompts = json.loads(html.split('data-prompts="')[1].split('"')[0].replace("&#34;", '"'))
            assert len(prompts) == 6 and len(set(prompts)) == 6 and set(prompts) <= set(allowed), (level, prompts)
    response = client.get("/play?prompts=cat,unicorn")
    assert response.status_code == 400 and "not one: unicorn" in response.get_data(as_text=True)
    assert client.get("/play?prompts=" + ",".join(["cat"] * 7)).status_code == 400


def test_a_game_has_its_six_rounds_even_when_few_categories_pass_the_filter(make_app, tmp_path):
    folder = tmp_path / "model"
    shutil.copytree(MODEL_DIR, folder)
    metrics = json.loads((folder / "metrics.json").read_text())
    labels = json.loads((folder / "metadata.json").read_text())["labels"]
    metrics["per_category"] = {label: {"top1": 0.1 + i / 1000, "drawings": 10} for i, label in enumerate(labels)}
    (folder / "metrics.json").write_text(json.dumps(metrics))  # not one category reaches the easy level's 70%
    html = make_app(MODEL_DIR=str(folder)).test_client().get("/play").get_data(as_text=True)
    prompts = json.loads(html.split('data-prompts="')[1].split('"')[0].replace("&#34;", '"'))
    assert len(set(prompts)) == 6 and set(prompts) <= set(labels[-6:])  # the six it knows best


def test_a_round_not_won_says_where_the_prompt_stood():
    rounds = [
        {"prompt": "smiley face", "skipped": False, "guesses": [["face", 0.45], ["smiley face", 0.31], ["sun", 0.1]]},
        {"prompt": "star", "skipped": False, "guesses": [["star", 0.22], ["triangle", 0.18]]},
        {"prompt": "cat", "skipped": True, "guesses": [["dog", 0.6]]},
        {"prompt": "cat", "skipped": True, "guesses": [], "undrawn": True},
    ]
    script = (
        "import { verdictOf } from './static/js/verdict.js';"
        f"const rounds = {json.dumps(rounds)};"
        "const asPlayed = (r) => ({...r, recognized: false, drawing: r.undrawn ? [] : [1],"
        " guesses: r.guesses.map(([label, probability]) => ({label, probability}))});"
        "console.log(JSON.stringify(rounds.map((r) => verdictOf(asPlayed(r)))));"
    )
    said = json.loads(
        subprocess.run(
            ["node", "--input-type=module", "-e", script], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
        ).stdout
    )
    assert said == [
        "Not recognised. Inkling thought: face (45%), sun (10%). smiley face came second (31%).",
        "Not recognised. Inkling thought: triangle (18%). star led with 22%, not clearly enough.",
        "Skipped. Inkling thought: dog (60%).",
        "Skipped",
    ]
