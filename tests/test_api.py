"""Every route and every bad input, through Flask's test client, with the shipped model."""

import json
import re
import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import escape

from model_training.core.config import MODEL_DIR, PROJECT_ROOT
from model_training.core.drawing_checks import MAX_INPUT_POINTS
from model_training.core.model_input import drawing_to_stroke3
from model_training.core.ndjson import read_ndjson
from webapp.database import upgrade
from webapp.learn import PAGES
from webapp.schemas import MAX_TOP_K

CAT = [[10, 10, 0], [20, 5, 0], [5, 30, 1], [-12, 4, 0], [30, 0, 1]]


def post(client, payload, **kwargs):
    return client.post("/api/predict", data=json.dumps(payload), content_type="application/json", **kwargs)


def test_predict_stroke3(client):
    response = post(client, {"strokes": CAT, "top_k": 3})
    assert response.status_code == 200
    body = response.get_json()
    assert len(body["guesses"]) == 3 and body["points"] == 5 and body["model_version"]
    probabilities = [g["probability"] for g in body["guesses"]]
    assert probabilities == sorted(probabilities, reverse=True) and 0 < sum(probabilities) <= 1.0001


def test_predict_official_records_as_the_model_package_reads_them(client, app, quickdraw_dir):
    package = app.extensions["predictor"].package
    coarser = {**package.preprocessing, "rdp_epsilon": 8.0}
    simplified = read_ndjson(quickdraw_dir / "simplified" / "cat.ndjson.gz", limit=1)[0]
    raw = read_ndjson(quickdraw_dir / "raw" / "cat.ndjson.gz", limit=1)[0]
    for record in (simplified, raw):
        by_drawing = post(client, {"drawing": record["drawing"]}).get_json()
        as_package = package.drawing_to_stroke3(record["drawing"])
        by_strokes = post(client, {"strokes": as_package.tolist()}).get_json()
        assert by_drawing["guesses"] == by_strokes["guesses"] and by_drawing["points"] == len(as_package)
    # ... and not by any other settings: a raw drawing simplified more coarsely has fewer points.
    assert by_drawing["points"] > len(drawing_to_stroke3(raw["drawing"], coarser))
    # With the canvas it was drawn on, it is framed by the canvas, as the page frames it, not by its own box.
    on_canvas = post(client, {"drawing": raw["drawing"], "canvas_size": 2000}).get_json()
    assert on_canvas["points"] == len(package.drawing_to_stroke3(raw["drawing"], 2000)) < by_drawing["points"]


@pytest.mark.parametrize(
    "payload, status, message",
    [
        ([1, 2], 422, "Input should be an object"),
        ({}, 422, "exactly one"),
        ({"strokes": CAT, "drawing": [[[1], [2]]]}, 422, "exactly one"),
        ({"strokes": CAT, "extra": 1}, 422, "'extra': extra inputs are not permitted"),
        ({"strokes": []}, 422, "'strokes': list should have at least 1 item"),
        ({"strokes": [[1, 2]]}, 422, "'strokes.0.2': field required"),
        ({"strokes": [["a", 2, 0]]}, 422, "'strokes.0.0': input should be a valid number"),
        ({"strokes": [[1, 2, 0.5]]}, 422, "'strokes.0.2': input should be a valid integer"),
        ({"strokes": [[1e12, 2, 1]]}, 422, "'strokes.0.0': input should be less than or equal to 1000000"),
        (
            {"strokes": [[1, 2, 0]] * (MAX_INPUT_POINTS + 1)},
            422,
            f"'strokes': list should have at most {MAX_INPUT_POINTS} items",
        ),
        ({"strokes": CAT, "top_k": 0}, 422, "top_k"),
        ({"strokes": CAT, "top_k": True}, 422, "top_k"),
        ({"drawing": []}, 422, "'drawing': list should have at least 1 item"),
        ({"drawing": [[[1, 2], [3]]]}, 422, "equally long"),
        ({"drawing": "cat"}, 422, "'drawing': input should be a valid array"),
        ({"drawing": [[[1], [2]]], "canvas_size": 0.5}, 422, "canvas_size"),
        ({"drawing": [[[1], [2]]], "canvas_size": "big"}, 422, "canvas_size"),
        ({"strokes": CAT, "canvas_size": 800}, 422, "canvas_size"),
    ],
)
def test_bad_input_gets_a_clear_4xx(client, payload, status, message):
    response = post(client, payload)
    assert response.status_code == status
    assert message in response.get_json()["error"]


def test_non_finite_numbers_are_refused(client):
    response = client.post(
        "/api/predict", data='{"strokes": [[NaN, 1, 0], [1, Infinity, 1]]}', content_type="application/json"
    )
    assert (
        response.status_code == 422 and "'strokes.0.0': input should be a finite number" in response.get_json()["error"]
    )
    # NaN timestamps too: a raw drawing's every column is numbers a client can be held to.
    response = client.post(
        "/api/predict", data='{"drawing": [[[1, 2], [3, 4], [0, NaN]]]}', content_type="application/json"
    )
    assert (
        response.status_code == 422
        and "'drawing.0.2.1': input should be a finite number" in response.get_json()["error"]
    )


def test_malformed_json_and_wrong_content_type(client):
    response = client.post("/api/predict", data="{strokes:", content_type="application/json")
    assert response.status_code == 400 and "malformed JSON" in response.get_json()["error"]
    response = client.post("/api/predict", data="strokes=1", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415
    response = client.post("/api/predict", data=b"\xff\xfe{", content_type="application/json")
    assert response.status_code == 400


def test_body_over_the_limit_gets_413(client, app):
    response = client.post(
        "/api/predict", data="[" + "0," * app.config["MAX_CONTENT_LENGTH"] + "0]", content_type="application/json"
    )
    assert response.status_code == 413
    assert "error" in response.get_json()


def test_unknown_routes_and_methods_answer_json_on_the_api(client):
    assert client.get("/api/nothing").status_code == 404
    assert client.get("/api/nothing").get_json()["error"] == "Not Found"
    response = client.get("/api/predict")
    assert response.status_code == 405 and response.get_json()["error"] == "Method Not Allowed"
    page = client.get("/no-such-page")
    assert page.status_code == 404 and b"Back to drawing" in page.data


def test_pages_render_with_security_headers(client):
    for path in ["/", "/model", "/learn/"] + [f"/learn/{p['slug']}" for p in PAGES]:
        response = client.get(path)
        assert response.status_code == 200, path
        csp = response.headers["Content-Security-Policy"]
        assert "unsafe-inline" not in csp and "'unsafe-eval'" not in csp and "frame-ancestors 'none'" in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert b"<script>" not in response.data and b"style=" not in response.data, path


def test_every_kind_of_response_carries_the_security_headers(client, app):
    assert not app.debug
    responses = [
        client.get("/healthz"),
        client.get("/api/openapi.json"),
        client.get("/static/js/strokes.js"),
        client.get("/model/files/metadata.json"),
        client.get("/nothing"),
        post(client, {"strokes": []}),
    ]
    for response in responses:
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"


def test_learn_pages_show_their_question_and_are_linked_from_every_page(client):
    home = client.get("/").data.decode()
    assert 'href="/learn/"' in home
    index = client.get("/learn/").data.decode()
    for page in PAGES:
        assert f'href="/learn/{page["slug"]}"' in index
        body = client.get(f"/learn/{page['slug']}").data.decode()
        assert str(escape(page["question"])) in body
    assert client.get("/learn/no-such-question").status_code == 404


def test_model_files_and_openapi(client):
    metadata = client.get("/model/files/metadata.json").get_json()
    assert len(metadata["labels"]) == 345 and metadata["preprocessing"]["max_points"] > 0
    assert client.get("/model/files/model.json").status_code == 200
    assert client.get("/model/files/../webapp/api.py").status_code == 404
    document = client.get("/api/openapi.json").get_json()
    assert document["openapi"].startswith("3.") and "/api/predict" in document["paths"]


def test_healthz(client):
    body = client.get("/healthz").get_json()
    assert body["status"] == "ok" and body["model_version"]


def test_openapi_documents_every_json_route_with_its_methods(app, client):
    document = client.get("/api/openapi.json").get_json()
    documented = {(path, method.upper()) for path, item in document["paths"].items() for method in item}
    served = {
        (rule.rule, method)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/") or rule.rule == "/healthz"
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert documented == served
    schemas = document["components"]["schemas"]
    assert schemas["Label"]["enum"] == app.extensions["predictor"].labels  # the model's own labels
    assert schemas["Contribution"]["properties"]["engine"]["enum"] == ["browser", "server"]
    assert schemas["Contribution"]["properties"]["guesses"]["maxItems"] == MAX_TOP_K


def test_what_the_api_answers_is_valid_by_its_document(client, api_schema_of):
    answers = [
        (post(client, {"strokes": CAT, "top_k": 3, "embedding": True}), "Prediction"),
        (post(client, {"drawing": [[[10, 50, 90], [10, 60, 10]]], "canvas_size": 255}), "Prediction"),
        (post(client, {"strokes": []}), "Error"),
        (client.get("/healthz"), "Health"),
        (client.get("/api/model"), "ModelMetadata"),
    ]
    for response, name in answers:
        assert not list(api_schema_of(name).iter_errors(response.get_json())), (name, response.get_json())
    # The document is precise enough to fail: a guess without its probability is not a prediction.
    broken = {**answers[0][0].get_json(), "guesses": [{"label": "cat"}]}
    assert list(api_schema_of("Prediction").iter_errors(broken))


@pytest.mark.parametrize("damage", ["missing", "corrupt"])
def test_missing_or_corrupt_model_keeps_the_app_up(make_app, tmp_path, damage, caplog):
    folder = tmp_path / "model"
    if damage == "corrupt":
        shutil.copytree(MODEL_DIR, folder)
        (folder / "model.json").write_text("{ not json")
    client = make_app(MODEL_DIR=str(folder)).test_client()
    health = client.get("/healthz")
    assert health.status_code == 503 and "could not be loaded" in health.get_json()["error"]
    assert str(tmp_path) not in health.get_json()["error"]  # the server's paths go to the log only
    assert "not loaded" in caplog.text and str(folder) in caplog.text
    assert post(client, {"strokes": CAT}).status_code == 503
    page = client.get("/")
    assert page.status_code == 200 and b"predictions are unavailable" in page.data
    assert client.get("/model").status_code == 200


def test_labels_are_rendered_escaped(make_app, tmp_path):
    folder = tmp_path / "model"
    shutil.copytree(MODEL_DIR, folder)
    metadata = json.loads((folder / "metadata.json").read_text())
    metadata["labels"] = [f"<script>alert({i})</script>" for i in range(len(metadata["labels"]))]
    (folder / "metadata.json").write_text(json.dumps(metadata))
    client = make_app(MODEL_DIR=str(folder)).test_client()
    html = client.get("/model").data
    assert b"<script>alert(" not in html and b"&lt;script&gt;alert(" in html


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**6), 10**6) | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda children: (
        st.lists(children, max_size=6)
        | st.dictionaries(st.sampled_from(["strokes", "drawing", "top_k", "x"]), children, max_size=3)
    ),
    max_leaves=40,
)
stroke3_rows = st.lists(
    st.lists(st.integers(-300, 300) | st.floats(-1e3, 1e3), min_size=3, max_size=3).map(
        lambda r: r[:2] + [abs(int(r[2])) % 2]
    ),
    min_size=1,
    max_size=300,
)


@pytest.mark.slow  # over ten seconds
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(payload=json_values | st.fixed_dictionaries({"strokes": stroke3_rows}))
def test_any_json_gets_a_prediction_or_a_clear_4xx(client, payload):
    response = post(client, payload)
    assert response.status_code in (200, 422), response.data
    body = response.get_json()
    assert ("guesses" in body) if response.status_code == 200 else body["error"]


def test_one_address_gets_a_budget_of_points_and_others_keep_theirs(make_app):
    client = make_app(PREDICT_POINTS_RATE="1000 per minute").test_client()
    drawing = {"strokes": [[3, 4, 0]] * 399 + [[1, 1, 1]]}  # 400 points each
    statuses = [post(client, drawing).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]  # 800 points spent; 400 more would pass the budget
    refused = post(client, drawing)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert post(client, {"strokes": CAT}).status_code == 200  # 5 points still fit
    other = post(client, drawing, environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other.status_code == 200  # another address has a budget of its own


def test_a_padded_prediction_costs_what_it_weighs(make_app):
    client = make_app(PREDICT_POINTS_RATE="1000 per minute").test_client()
    padded = json.dumps({"strokes": CAT}) + " " * 40_000  # five points and 40 KB of whitespace
    statuses = [client.post("/api/predict", data=padded, content_type="application/json").status_code for _ in range(2)]
    assert statuses == [429, 429]  # 1,250 points each by its size: more than the minute's budget
    assert post(client, {"strokes": CAT}).status_code == 200  # nothing was spent on them


def test_healthz_reports_the_database(make_app, tmp_path):
    assert make_app().test_client().get("/healthz").get_json()["database"] == "ok"
    down = make_app(DATABASE_URL="postgresql+psycopg://nobody@127.0.0.1:1/none").test_client().get("/healthz")
    assert down.status_code == 200 and down.get_json()["database"] == "unavailable"  # predictions go on


def test_a_replaced_database_file_is_seen_at_once_and_used_once_migrated(make_app, tmp_path, caplog):
    url = f"sqlite:///{tmp_path / 'replaced.sqlite3'}"
    upgrade(url)
    client = make_app(DATABASE_URL=url).test_client()
    assert client.get("/healthz").get_json()["database"] == "ok"
    (tmp_path / "replaced.sqlite3").unlink()  # replaced by an empty file: no tables
    (tmp_path / "replaced.sqlite3").write_bytes(b"")
    assert client.get("/healthz").get_json()["database"] == "unavailable"
    assert "no such table: contributions" in caplog.text  # the log names the error
    upgrade(url)  # the new file migrated: shared rounds go in again, no restart
    assert client.get("/healthz").get_json()["database"] == "ok"


def test_the_model_page_says_what_its_words_mean(client):
    html = client.get("/model").get_data(as_text=True)
    for word in ("Top-1, top-3, top-5", "Softmax", "Causal", "uint8", "sketch-rnn", "Per category, per drawing"):
        assert f"<dt>{word}</dt>" in html
    # The two "whole drawing" figures, and why they differ.
    assert "is lower than the last row of the table above" in html
    assert "that first right guess wins the round" not in html  # the game's rule asks more


def test_the_words_readme_quotes_are_the_pages_own():
    """Every control README's guide names in quotes is one the pages show, in the same words."""
    readme = (PROJECT_ROOT / "README.md").read_text()
    shown = [*(PROJECT_ROOT / "templates").rglob("*.html"), *(PROJECT_ROOT / "static" / "js").glob("*.js")]
    pages = "".join(path.read_text() for path in shown)
    quoted = set(re.findall(r'"([A-Z][^"]{2,40})"', readme.split("## Running it for others")[0]))
    assert "Guess on the server" in quoted  # what the guide quotes, at least
    assert sorted(label for label in quoted if label.removesuffix(" …") not in pages) == []


def test_one_round_is_one_round(client):
    assert "1 round, 20 seconds each" in client.get("/play?prompts=cat").get_data(as_text=True)
    assert "2 rounds, 20 seconds each" in client.get("/play?prompts=cat,dog").get_data(as_text=True)
