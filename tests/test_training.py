"""The whole training path in --quick mode: train, resume, export, evaluate, as a user runs it."""

import json

import pytest

from tests.conftest import run_module


@pytest.fixture(scope="module")
def quick_run(quickdraw_dir, tmp_path_factory):
    folder = tmp_path_factory.mktemp("quick")
    common = ["--source", str(quickdraw_dir), "--data-dir", str(folder / "tfds")]
    first = run_module("model_training.train", "--quick", "--pause-at", "30", "--out", str(folder / "run"), *common)
    resumed = run_module("model_training.train", "--quick", "--out", str(folder / "run"), *common)
    return folder, common, first, resumed


def test_training_checkpoints_and_resumes(quick_run):
    folder, _, first, resumed = quick_run
    assert "trained 30 steps" in first and "paused at step 30 of 60" in first
    assert "resumed from" in resumed and "trained 30 steps" in resumed  # --quick runs 60 in all
    history = json.loads((folder / "run" / "history.json").read_text())
    assert [v["step"] for v in history["validation"]] == [30, 60]
    assert (folder / "run" / "best.h5").is_file()


def test_run_json_holds_the_settings_with_their_types(quick_run):
    folder = quick_run[0]
    config = json.loads((folder / "run" / "run.json").read_text())["config"]
    assert config["steps"] == 60 and config["lr"] == 3e-3 and config["no_augment"] is False
    assert config["teacher"] is None and config["teacher_fractions"] == [1.0]
    assert config["model"]["lstm_units"] == [16] and config["preprocessing"]["max_points"] == 250


def test_a_run_resumed_with_other_settings_stops_and_names_them(quick_run):
    folder, common = quick_run[:2]
    result = run_module(
        "model_training.train", "--quick", "--lr", "0.01", "--out", str(folder / "run"), *common, check=False
    )
    assert result.returncode == 2
    assert "other settings (lr: 0.003 -> 0.01)" in result.stderr


def test_export_refuses_a_run_json_without_types(quick_run, tmp_path):
    folder = quick_run[0]
    run = tmp_path / "run"
    run.mkdir()
    document = json.loads((folder / "run" / "run.json").read_text())
    document["config"]["steps"] = "60"
    (run / "run.json").write_text(json.dumps(document))
    result = run_module("model_training.export", "--run", str(run), "--out", str(tmp_path / "model"), check=False)
    assert result.returncode == 2 and "'steps' should be int, not '60'" in result.stderr


def test_export_and_evaluate_write_what_the_app_reads(quick_run):
    folder, common, _, _ = quick_run
    model_dir = folder / "model"
    out = run_module("model_training.export", "--run", str(folder / "run"), "--out", str(model_dir))
    assert "chosen:" in out
    metadata = json.loads((model_dir / "metadata.json").read_text())
    assert len(metadata["labels"]) == 345 and metadata["quantization"]["chosen"] in ("uint8", "float16")
    assert metadata["training_data"]["train_real"] > 0
    run_module(
        "model_training.evaluate",
        "--model-dir",
        str(model_dir),
        "--categories",
        "cat,dog,bicycle,airplane,car,apple",
        *common,
    )
    metrics = json.loads((model_dir / "metrics.json").read_text())
    assert metrics["groups"][0]["drawings"] > 20 and 0 <= metrics["groups"][0]["top1"] <= 1
    # Accuracy while drawing lives in each group's row alone (the model page reads the first group's).
    assert set(metrics["groups"][0]["top1_by_fraction"]) == {"0.1", "0.25", "0.5", "0.75", "1.0"}
    assert "partial" not in metrics
    assert {p.name for p in model_dir.glob("*.png")} == {
        "accuracy_while_drawing.png",
        "most_confused_pairs.png",
        "training_curves.png",
    }
    assert "metrics" not in json.loads((model_dir / "metadata.json").read_text())  # metrics.json is their one home
    # Validation is for choosing between runs: printed, never written where the app reads.
    written = (model_dir / "metrics.json").read_text()
    out = run_module(
        "model_training.evaluate",
        "--model-dir",
        str(model_dir),
        "--split",
        "validation",
        "--categories",
        "cat,dog,bicycle,airplane,car,apple",
        *common,
    )
    assert "real validation drawings" in out and "all 345 categories" in out
    assert (model_dir / "metrics.json").read_text() == written


def test_page_prefixes_are_framed_as_the_page_frames_them_and_targeted_by_the_whole_drawing():
    import dataclasses

    import numpy as np

    from model_training.config import PREPROCESSING
    from model_training.model import QUICK_MODEL_CONFIG
    from model_training.run_config import RunConfig
    from model_training.strokes import normalize, to_stroke3
    from model_training.train import batches

    zigzag = [[5 * i for i in range(11)], [10 * (i % 2) for i in range(11)]]
    drawing = to_stroke3([zigzag, [[200, 255], [200, 255]]])  # a small zigzag, then a line far away
    run = RunConfig(dataset={}, model=QUICK_MODEL_CONFIG, preprocessing=PREPROCESSING, batch_size=4, no_augment=True)

    def first_batch(page_prefixes):
        stream = batches(
            [drawing], np.zeros(1, np.int32), np.ones(1), dataclasses.replace(run, page_prefixes=page_prefixes), 0
        )
        return next(stream)

    whole, labels, weights, teacher_inputs, ends = first_batch(0.0)
    assert all(np.array_equal(row, normalize(drawing)) for row in whole)
    np.testing.assert_allclose(weights.sum(axis=1), 1.0, rtol=1e-6)
    np.testing.assert_array_equal(teacher_inputs, whole)  # the teacher labels what the student is shown
    assert (ends[:, -1] == len(drawing) - 1).all()

    prefixes, _, weights, teacher_inputs, ends = first_batch(1.0)
    shown = (weights > 0).sum(axis=1)
    assert (shown < len(drawing)).any()  # cut short of the whole drawing ...
    for row, n in zip(prefixes, shown):
        xs = np.cumsum(row[:n, 0]) * PREPROCESSING["delta_scale"]
        ys = np.cumsum(row[:n, 1]) * PREPROCESSING["delta_scale"]
        # ... and scaled to its own box, as the page does (the zigzag alone spans 50 of 255 in the whole)
        assert max(np.ptp(xs), np.ptp(ys)) == pytest.approx(PREPROCESSING["canvas_size"])
    # The teacher's target for a prefix is what the drawing will become: it sees the whole drawing.
    assert all(np.array_equal(row, normalize(drawing)) for row in teacher_inputs)
    assert (ends[:, -1] == len(drawing) - 1).all()


def test_page_prefixes_with_teacher_prefixes_are_refused():
    from model_training.train import parse_args

    with pytest.raises(SystemExit):
        parse_args(["--page-prefixes", "0.5", "--teacher-fractions", "0.5,1.0"])


def test_reordered_strokes_draw_the_same_picture_another_way():
    import numpy as np

    from model_training.strokes import from_stroke3, to_stroke3
    from model_training.train import reorder_strokes

    strokes = [[[0, 40, 80], [0, 0, 30]], [[100], [100]], [[10, 10, 60, 90], [200, 120, 120, 255]], [[5, 250], [5, 5]]]
    drawing = to_stroke3(strokes).astype(np.float32)

    def picture(stroke3):  # the segments and dots drawn, whatever their order and direction
        drawn = set()
        for xs, ys in from_stroke3(np.rint(stroke3).astype(int)):
            points = list(zip(xs, ys))
            drawn |= {frozenset(pair) for pair in zip(points, points[1:])} or {frozenset(points)}
        return drawn

    orders = set()
    for seed in range(20):
        shown = reorder_strokes(drawing, np.random.default_rng(seed))
        assert shown.shape == drawing.shape and shown[:, 2].sum() == len(strokes)
        assert picture(shown) == picture(drawing)
        orders.add(tuple(map(tuple, shown.tolist())))
    assert len(orders) > 10  # orders and directions do change


def test_group_rows_count_each_category_once_in_the_category_mean():
    import numpy as np

    from model_training.evaluate import group_rows
    from model_training.sketch_rnn import CATEGORIES

    # Category 0: nine drawings, all right; category 1: one drawing, wrong. By drawings 90%, by categories 50%.
    labels = np.array([0] * 9 + [1])
    probabilities = np.zeros((10, len(CATEGORIES)))
    probabilities[np.arange(10), [0] * 9 + [2]] = 1.0
    members = np.zeros(len(CATEGORIES), bool)
    members[:2] = True
    everyone = np.ones(len(CATEGORIES), bool)  # categories without drawings do not count
    rows = group_rows({1.0: probabilities}, labels, {"two": members, "all": everyone})
    assert [row["top1"] for row in rows] == [0.9, 0.9]
    assert [row["top1_category_mean"] for row in rows] == [0.5, 0.5]


def test_data_size_groups_bin_categories_without_synthetic_drawings_by_their_real_ones():
    from collections import Counter

    from model_training.data import data_size_groups
    from model_training.sketch_rnn import CATEGORIES

    counts = Counter({(CATEGORIES[0], False): 49, (CATEGORIES[1], False): 50, (CATEGORIES[2], False): 1200})
    counts[CATEGORIES[3], False], counts[CATEGORIES[3], True] = 60, 2500  # synthetic: in no bin
    groups = data_size_groups(counts)
    assert list(groups) == [
        "no synthetic, 0-49 real",
        "no synthetic, 50-99 real",
        "no synthetic, 100-299 real",
        "no synthetic, 300-999 real",
        "no synthetic, 1000+ real",
    ]
    assert groups["no synthetic, 0-49 real"][0] and groups["no synthetic, 50-99 real"][1]
    assert groups["no synthetic, 1000+ real"][2]
    assert not any(members[3] for members in groups.values())
    assert sum(int(members.sum()) for members in groups.values()) == len(CATEGORIES) - 1
