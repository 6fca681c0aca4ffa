"""The whole training path in --quick mode: train, resume, export, evaluate, as a user runs it."""

import dataclasses
import json
import os
import subprocess
import sys
import time

import pytest

from harness.live_server import free_ports
from model_training.core.config import PROJECT_ROOT
from tests.conftest import run_module

SIX = ("cat", "dog", "bicycle", "airplane", "car", "apple")  # the committed fixture's categories


@pytest.fixture(scope="module")
def quick_run(quickdraw_dir, tmp_path_factory):
    folder = tmp_path_factory.mktemp("quick")
    common = ["--source", str(quickdraw_dir), "--data-dir", str(folder / "tfds")]
    train = ["model_training.train", "--quick", "--no-teacher", "--out", str(folder / "run"), *common]  # (1)
    first = run_module(*train, "--pause-at", "30")
    resumed = run_module(*train)
    return folder, common, first, resumed


# (1) The distilled path has a quick run of its own, with a tiny teacher (tests/test_teacher.py).


def test_training_checkpoints_and_resumes(quick_run):
    folder, _, first, resumed = quick_run
    assert "trained 30 steps" in first and "paused at step 30 of 60" in first
    assert "resumed from" in resumed and "trained 30 steps" in resumed  # --quick runs 60 in all
    history = json.loads((folder / "run" / "history.json").read_text())
    assert [v["step"] for v in history["validation"]] == [30, 60]
    assert (folder / "run" / "best.h5").is_file()


def test_a_checkpoint_holds_the_whole_run(quick_run):
    import tensorflow as tf

    from model_training.train import BEST_BY, RECORD_KEY

    run = quick_run[0] / "run"
    latest = tf.train.latest_checkpoint(run / "checkpoints")
    assert int(tf.train.load_variable(latest, "step/.ATTRIBUTES/VARIABLE_VALUE")) == 60
    record = json.loads(tf.train.load_variable(latest, RECORD_KEY))
    assert record["run"] == json.loads((run / "run.json").read_text())  # run.json is the record's copy
    assert record["history"] == json.loads((run / "history.json").read_text())
    assert record["best"] == max(v[BEST_BY] for v in record["history"]["validation"])


def test_run_json_holds_the_settings_with_their_types(quick_run):
    folder = quick_run[0]
    config = json.loads((folder / "run" / "run.json").read_text())["config"]
    assert config["steps"] == 60 and config["lr"] == 3e-3 and config["no_augment"] is False
    assert config["teacher"] is None and config["min_size"] == 0.4
    assert config["model"]["lstm_units"] == [16] and config["preprocessing"]["max_points"] == 250


@pytest.mark.training
def test_a_run_resumed_with_other_settings_stops_and_names_them(quick_run):
    folder, common = quick_run[:2]
    result = run_module(
        "model_training.train",
        "--quick",
        "--no-teacher",
        "--lr",
        "0.01",
        "--out",
        str(folder / "run"),
        *common,
        check=False,
    )
    assert result.returncode == 2
    assert "other settings (lr: 0.003 -> 0.01)" in result.stderr


@pytest.mark.training
def test_export_refuses_a_run_json_without_types(quick_run, tmp_path):
    folder = quick_run[0]
    run = tmp_path / "run"
    run.mkdir()
    document = json.loads((folder / "run" / "run.json").read_text())
    document["config"]["steps"] = "60"
    (run / "run.json").write_text(json.dumps(document))
    result = run_module("model_training.export", "--run", str(run), "--out", str(tmp_path / "model"), check=False)
    assert result.returncode == 2 and "'steps' should be int, not '60'" in result.stderr


@pytest.mark.training
def test_export_and_evaluate_write_what_the_app_reads(quick_run):
    from model_training.core.model_package import ModelPackage
    from model_training.run_config import RunConfig

    folder, common, _, _ = quick_run
    model_dir = folder / "model"
    model_dir.mkdir()
    (model_dir / "metrics.json").write_text("{}")  # another model's figures ...
    (model_dir / "training_curves.png").write_bytes(b"old")
    out = run_module("model_training.export", "--run", str(folder / "run"), "--out", str(model_dir))
    assert "chosen:" in out
    assert not (model_dir / "metrics.json").exists() and not (model_dir / "training_curves.png").exists()  # ... gone
    package = ModelPackage.from_pretrained(model_dir)
    assert package.metrics is None and "not been evaluated" in package.metrics_problem
    metadata = package.metadata
    assert len(metadata["labels"]) == 345 and metadata["quantization"]["chosen"] in ("uint8", "float16")
    assert metadata["training_data"]["train_real"] > 0
    assert set(metadata["run"]["config"]) == {f.name for f in dataclasses.fields(RunConfig)}  # every setting
    assert metadata["run"]["config"]["teacher"] is None and metadata["run"]["teacher_sha256"] is None
    run_module(
        "model_training.evaluate",
        "--model-dir",
        str(model_dir),
        "--categories",
        ",".join(SIX),
        *common,
    )
    metrics = json.loads((model_dir / "metrics.json").read_text())
    assert ModelPackage.from_pretrained(model_dir).metrics == metrics  # evaluated: the figures are this model's
    assert metrics["model"]["version"] == metadata["version"]
    assert metrics["groups"][0]["drawings"] > 20 and 0 <= metrics["groups"][0]["top1"] <= 1
    # Accuracy while drawing lives in each group's row alone (the model page reads the first group's).
    assert set(metrics["groups"][0]["top1_by_fraction"]) == {"0.1", "0.25", "0.5", "0.75", "1.0"}
    assert "partial" not in metrics
    assert metrics["early_recognition"]["drawings"] > 0  # the fixture's raw test drawings, replayed
    assert (
        {p.name for p in model_dir.glob("*.png")}
        == set(metrics["plots"])
        == {
            "accuracy_while_drawing.png",
            "accuracy_over_time.png",
            "most_confused_pairs.png",
            "training_curves.png",
        }
    )
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
        ",".join(SIX),
        *common,
    )
    assert "real validation drawings" in out and "all 345 categories" in out
    assert (model_dir / "metrics.json").read_text() == written


@pytest.mark.training
def test_the_prior_correction_lowers_each_category_by_its_share_and_leaves_a_sound_package(quick_run, tmp_path):
    import argparse

    import numpy as np

    from model_training.core.model_package import ModelPackage
    from model_training.data import add_dataset_arguments, prepare
    from model_training.prior_correction import training_log_share

    folder, common, _, _ = quick_run
    common = [*common, "--categories", ",".join(SIX)]  # the fixture's six: a small dataset, quick to count
    model_dir = tmp_path / "model"
    run_module("model_training.export", "--run", str(folder / "run"), "--out", str(model_dir))
    (model_dir / "metrics.json").write_text("{}")  # the uncorrected model's figures
    before = ModelPackage.from_pretrained(model_dir)
    run_module("model_training.prior_correction", "--model-dir", str(model_dir), "--tau", "0.5", *common)

    after = ModelPackage.from_pretrained(model_dir)  # checksums, schema: the package is whole
    assert after.version != before.version and not (model_dir / "metrics.json").exists()
    power = before.metadata["run"]["config"]["category_power"]
    assert after.metadata["prior_correction"]["tau"] == 0.5
    assert after.metadata["prior_correction"]["corrected"] == before.version
    assert after.metadata["calibration"]["temperature"] > 0
    parser = argparse.ArgumentParser()
    add_dataset_arguments(parser)
    log_share = training_log_share(prepare(parser.parse_args(common), before.preprocessing), power)
    assert (log_share < 0).sum() == len(SIX) and np.ptp(log_share) > 0.1  # categories of unlike shares
    bias = "probabilities/bias"
    # Each category's bias moves by -tau x log(its share), to within the quantisation of the two biases.
    step = (np.ptp(before.weights[bias]) + np.ptp(after.weights[bias])) / 255
    np.testing.assert_allclose(after.weights[bias] - before.weights[bias], -0.5 * log_share, atol=step)
    kernel = before.weights["probabilities/kernel"]
    np.testing.assert_allclose(after.weights["probabilities/kernel"], kernel, atol=np.ptp(kernel) / 255)

    again = run_module(
        "model_training.prior_correction", "--model-dir", model_dir, "--tau", "0.5", *common, check=False
    )
    assert again.returncode == 2 and "already corrected" in again.stderr


def test_the_teacher_is_found_by_flag_environment_or_beside_the_checkout(monkeypatch, tmp_path, capsys):
    from model_training.core import config
    from model_training.train import WITHOUT_TEACHER, parse_args

    monkeypatch.setenv(config.TEACHER_ENV, str(tmp_path / "env.h5"))
    assert parse_args([]).teacher == tmp_path / "env.h5"
    assert parse_args(["--teacher", "given.h5"]).teacher.name == "given.h5"
    assert parse_args(["--no-teacher"]).teacher is None
    monkeypatch.delenv(config.TEACHER_ENV)
    monkeypatch.setattr(config, "PROJECT_ROOT", tmp_path / "checkout")  # nothing beside this checkout
    assert parse_args([]).teacher is None
    assert f"training on the labels alone ({WITHOUT_TEACHER})" in capsys.readouterr().err


def test_batches_show_each_drawing_as_the_teacher_will_label_it():
    import numpy as np

    from model_training.core.config import PREPROCESSING
    from model_training.core.model_input import stored_input
    from model_training.core.simplification import to_stroke3
    from model_training.model import QUICK_MODEL_CONFIG
    from model_training.run_config import RunConfig
    from model_training.train import batches

    drawing = to_stroke3([[[0, 50, 100], [0, 40, 0]], [[200, 255], [200, 255]]])
    run = RunConfig(dataset={}, model=QUICK_MODEL_CONFIG, preprocessing=PREPROCESSING, batch_size=4, no_augment=True)
    shown, labels, weights, shares = next(batches([drawing], np.zeros(1, np.int32), np.ones(1), run, 0))
    assert all(np.array_equal(row, stored_input(drawing, PREPROCESSING)) for row in shown)
    np.testing.assert_allclose(weights.sum(axis=1), 1.0, rtol=1e-6)
    assert (labels == 0).all()
    assert (shares == run.teacher_weight).all()


def test_a_resumed_run_sees_the_batches_an_unbroken_run_sees():
    """Batches from any index on, augmented and mixed, are those an unbroken run shows from there: what a
    run paused in the middle of a pool of batches trains on after it resumes."""
    import itertools

    import numpy as np

    from model_training.core.config import PREPROCESSING
    from model_training.core.simplification import to_stroke3
    from model_training.model import QUICK_MODEL_CONFIG
    from model_training.run_config import RunConfig
    from model_training.train import POOL_BATCHES, batches

    square = to_stroke3([[[0, 100, 100, 0, 0], [0, 0, 100, 100, 0]], [[20, 80], [50, 50]]])
    line = to_stroke3([[[0, 255], [128, 128]], [[128, 128], [0, 255]], [[10, 20], [10, 20]]])
    drawings, labels = [square, line] * 4, np.array([0, 1] * 4, np.int32)
    run = RunConfig(dataset={}, model=QUICK_MODEL_CONFIG, preprocessing=PREPROCESSING, batch_size=2, mix_rate=0.5)

    def stream(first, count):
        return itertools.islice(batches(drawings, labels, np.full(8, 1 / 8), run, first), count)

    # from batch 5 of the first pool to batch 44, in the second
    for got, expected in zip(stream(5, 40), itertools.islice(stream(0, 45), 5, None), strict=True):
        for part, expected_part in zip(got, expected, strict=True):
            np.testing.assert_array_equal(part, expected_part)
    assert 5 < POOL_BATCHES < 45


def test_mixed_drawings_join_two_categories_and_only_the_teacher_labels_them():
    import numpy as np

    from model_training.core.config import PREPROCESSING
    from model_training.core.simplification import from_stroke3, to_stroke3
    from model_training.model import QUICK_MODEL_CONFIG
    from model_training.run_config import RunConfig
    from model_training.train import batches, mix_drawings

    square = to_stroke3([[[0, 100, 100, 0, 0], [0, 0, 100, 100, 0]], [[20, 80], [50, 50]]])  # 2 strokes, 7 points
    line = to_stroke3([[[0, 255], [128, 128]], [[128, 128], [0, 255]], [[10, 20], [10, 20]]])  # 3 strokes, 6 points
    rng = np.random.default_rng(0)
    kinds = set()
    for _ in range(40):
        mixed = mix_drawings(square, line, rng)
        strokes = from_stroke3(mixed)
        assert mixed[-1, 2] == 1 and len(strokes) >= 2
        points = np.array([p for s in strokes for p in zip(*s)])
        assert points.min() >= -1e-3 and points.max() <= 255 + 1e-3  # still inside the frame
        if len(mixed) == 13:  # overlaid: every point of both, each drawing smaller than it was
            kinds.add("overlaid")
            assert len(strokes) == 5 and np.ptp(points[:5, 0]) < 100
        else:  # cut and joined: the square's first stroke where it was, then the line's later strokes
            kinds.add("joined")
            np.testing.assert_allclose(points[:5], [[0, 0], [100, 0], [100, 100], [0, 100], [0, 0]])
            assert len(strokes) in (2, 3)
    assert kinds == {"overlaid", "joined"}

    drawings, labels = [square, line] * 8, np.array([0, 1] * 8, np.int32)
    run = RunConfig(dataset={}, model=QUICK_MODEL_CONFIG, preprocessing=PREPROCESSING, batch_size=16, mix_rate=0.5)
    shown, labels, weights, shares = next(batches(drawings, labels, np.full(16, 1 / 16), run, 0))
    # a mixed drawing is the teacher's alone
    np.testing.assert_allclose(sorted(set(shares.tolist())), [run.teacher_weight, 1.0], rtol=1e-6)


def test_augmented_drawings_keep_their_pen_lifts_and_differ():
    import numpy as np

    from model_training.core.config import PREPROCESSING
    from model_training.core.simplification import to_stroke3
    from model_training.model import QUICK_MODEL_CONFIG
    from model_training.run_config import RunConfig
    from model_training.train import augment

    strokes = [[[0, 40, 80], [0, 0, 30]], [[100, 120], [100, 90]], [[10, 60], [200, 120]]]
    drawing = to_stroke3(strokes)
    run = RunConfig(dataset={}, model=QUICK_MODEL_CONFIG, preprocessing=PREPROCESSING)
    outputs = [augment(drawing, np.random.default_rng(seed), run) for seed in range(10)]
    for out in outputs:
        assert out.dtype == np.float32 and out[-1, 2] == 1 and out[:, 2].sum() in (2, 3)  # one may be dropped
    assert len({out.tobytes() for out in outputs}) == 10


def test_group_rows_count_each_category_once_in_the_category_mean():
    import numpy as np

    from model_training.scoring import group_rows
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


def test_the_shipping_rule_lets_the_drawings_decide_only_between_candidates_within_noise():
    import numpy as np

    from model_training.scoring import choose_by_category

    # A common category of 100 drawings and 19 others of 5 each; a candidate is how many it gets right of each.
    labels = np.repeat(np.arange(20), [100] + [5] * 19)

    def hits(*right):
        return np.concatenate([np.arange(n) < r for n, r in zip([100] + [5] * 19, right)])

    thin = hits(50, *[5] * 19)  # per category 97.5%, 145 drawings right
    common = hits(100, *[3] * 19)  # per category 62.0%, 157 right: far behind by category
    close = hits(60, 0, *[5] * 18)  # per category 93.0%, 150 right: behind by less than the noise
    best, chosen, behind = choose_by_category({"thin": thin, "common": common}, labels)
    assert best == chosen == "thin"  # the drawings do not overrule a clear per-category lead
    assert behind["common"]["per_category"] > behind["common"]["standard_error"] > 0
    best, chosen, behind = choose_by_category({"thin": thin, "close": close}, labels)
    assert best == "thin" and chosen == "close"
    assert 0 < behind["close"]["per_category"] <= behind["close"]["standard_error"]
    assert behind["thin"] == {"per_category": 0.0, "standard_error": 0.0}


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


def test_a_drawing_is_replayed_as_the_page_receives_it():
    import numpy as np

    from model_training.core.config import PREPROCESSING
    from model_training.scoring import arrival_inputs, drawn_by, early_recognition

    drawing = [[[0, 10, 20], [0, 0, 0], [0, 100, 200]], [[50, 50], [0, 40], [600, 700]]]
    assert drawn_by(drawing, 150) == [[[0, 10], [0, 0], [0, 100]]]
    assert drawn_by(drawing, 650) == [drawing[0], [[50], [0], [600]]]
    times, inputs = arrival_inputs(drawing, PREPROCESSING, step_ms=250)
    assert times == [0, 250, 500, 700] and len(inputs) == 4
    assert inputs[-1][:, 2].sum() == 2  # the whole drawing, both strokes, at its last point

    # A model that is right once it reads 4 rows: the first drawing only at its very end (its first stroke
    # simplifies to 2 rows, the second adds 2), the second (its first stroke alone) never.
    def predict(batch):
        return np.array([[0.0, 1.0] if len(x) >= 4 else [1.0, 0.0] for x in batch])

    early = early_recognition(predict, [drawing, drawing[:1]], [1, 1], PREPROCESSING, step_ms=250)
    assert early["top1_by_time_fraction"] == {"0.1": 0.0, "0.25": 0.0, "0.5": 0.0, "0.75": 0.0, "1.0": 0.5}
    assert early["recognised_at_some_point"] == 0.5 and early["right_before_the_end"] == 0.0
    assert early["median_ms_to_first_right_guess"] == 700 and early["median_fraction_to_first_right_guess"] == 1.0


@pytest.fixture(scope="module")
def one_device_run(quickdraw_dir, tmp_path_factory):
    """A --quick run on one device, paused at step 30 and resumed to 50: the reference for the distributed
    runs below. Returns the command's common flags and the loss it reports over steps 31 to 50."""
    scratch = tmp_path_factory.mktemp("distributed")
    common = ["--quick", "--no-teacher", "--steps", "50", "--eval-every", "50", "--source", quickdraw_dir]
    common += ["--data-dir", scratch / "tfds"]
    paused_and_resumed(common, scratch / "one")
    return common, resumed_loss(scratch / "one")


def paused_and_resumed(command, out):
    """Runs `command` paused at step 30, then again to its end; checks that the second run resumed."""
    first = run_module("model_training.train", *command, "--pause-at", "30", "--out", out)
    resumed = run_module("model_training.train", *command, "--out", out)
    assert "paused at step 30 of 50" in first and "resumed from" in resumed and "trained 20 steps" in resumed
    return resumed


def resumed_loss(out):
    """The mean training loss over the steps after the pause (the history's entry at step 50)."""
    return json.loads((out / "history.json").read_text())["train"][0]["loss"]


@pytest.mark.training
def test_mirrored_training_on_two_cpu_devices_matches_one_device_and_resumes(one_device_run, tmp_path):
    """--distribute mirrored, run here on two logical CPU devices: each replica takes half of every batch,
    the loss is divided by the global batch, so the run follows the one-device run with the same batches."""
    common, one_device_loss = one_device_run
    resumed = paused_and_resumed([*common, "--cpu-devices", "2", "--distribute", "mirrored"], tmp_path / "two")
    assert "training on 2 replica(s)" in resumed
    assert resumed_loss(tmp_path / "two") == pytest.approx(one_device_loss, rel=1e-4)


def run_workers(command, outs, attempts=3):
    """`python -m model_training.train` as one worker per folder of `outs`, each in a process of its own,
    joined into one cluster through TF_CONFIG on 127.0.0.1; returns each worker's output.

    The cluster's ports are chosen free, but another test may take one before its worker binds it; that
    worker then exits while the others wait for it forever. So a worker that exits with an error stops the
    rest at once, and a cluster that never formed (no worker got as far as its replicas) is tried again on
    new ports."""
    for _ in range(attempts):
        outputs, codes = run_cluster(command, outs)
        formed = any("replica(s)" in output for output in outputs)
        if codes == [0] * len(outs) or formed:
            break
    assert codes == [0] * len(outs), "\n\n".join(output[-3000:] for output in outputs)
    return outputs


def run_cluster(command, outs, seconds=240):
    """One try of run_workers: every worker's output and exit code (None: stopped, as still running after
    `seconds` or after another worker failed)."""
    cluster = {"worker": [f"127.0.0.1:{port}" for port in free_ports(len(outs))]}
    logs = [out.parent / f"{out.name}.log" for out in outs]
    workers = []
    for index, (out, log) in enumerate(zip(outs, logs)):
        env = {**os.environ, "TF_CONFIG": json.dumps({"cluster": cluster, "task": {"type": "worker", "index": index}})}
        with log.open("w") as stream:
            workers.append(
                subprocess.Popen(
                    [sys.executable, "-m", "model_training.train", *map(str, command), "--out", str(out)],
                    cwd=PROJECT_ROOT,
                    env=env,
                    stdout=stream,
                    stderr=subprocess.STDOUT,
                )
            )
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not all_done_or_one_failed(workers):
        time.sleep(0.5)
    stopped = [worker for worker in workers if worker.poll() is None]
    for worker in stopped:
        worker.kill()
        worker.wait()
    return [log.read_text() for log in logs], [None if w in stopped else w.returncode for w in workers]


def all_done_or_one_failed(workers):
    codes = [worker.poll() for worker in workers]
    return None not in codes or any(code not in (None, 0) for code in codes)


@pytest.mark.training
def test_multiworker_training_in_two_processes_matches_one_device_and_resumes(one_device_run, tmp_path):
    """--distribute multiworker with two local worker processes: every worker reads the same global batches
    and trains on its half; each keeps its own checkpoints (its own --out), the first worker's is the run."""
    from model_training.core.model_package import ModelPackage

    common, one_device_loss = one_device_run
    command = [*common, "--distribute", "multiworker"]
    outs = [tmp_path / "worker0", tmp_path / "worker1"]
    first = run_workers([*command, "--pause-at", "30"], outs)
    resumed = run_workers(command, outs)
    assert all("training on 2 replica(s)" in output for output in first)
    assert all("resumed from" in output and "trained 20 steps" in output for output in resumed)
    assert resumed_loss(outs[0]) == pytest.approx(one_device_loss, rel=1e-4)
    run_module("model_training.export", "--run", outs[0], "--out", tmp_path / "model")
    assert ModelPackage.from_pretrained(tmp_path / "model").engine().classes == 345


def test_a_plot_whose_title_would_be_cut_off_is_refused(tmp_path):
    import matplotlib.pyplot as plt

    from model_training.evaluate import plot_over_time, save

    plot_over_time({"drawings": 1014, "top1_by_time_fraction": {"0.1": 0.03, "1.0": 0.55}}, tmp_path / "ok.png", "v")
    assert (tmp_path / "ok.png").stat().st_size > 0
    figure, axis = plt.subplots(figsize=(6, 3.8))
    axis.set(title="Top-1 against the drawing's time, " * 6)
    with pytest.raises(ValueError, match="does not fit the figure"):
        save(figure, tmp_path / "cut.png", "v")
    assert not (tmp_path / "cut.png").exists()
