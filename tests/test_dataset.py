"""The sketch_rnn TFDS builder on small folders the tests write, and on the shared data."""

import argparse
import functools
import gzip
import http.server
import json
import threading

import numpy as np
import pytest
import tensorflow_datasets as tfds

from model_training import data
from model_training.sketch_rnn import CATEGORIES, NoDataError, SketchRnn, SketchRnnConfig, split_for_key
from tests.conftest import FIXTURE_QUICKDRAW_DIR

CAT = [[[0, 50, 100], [0, 80, 20]], [[10, 90], [100, 100]]]


def write_ndjson(path, records, raw_lines=()):
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(path, "wt") as out:
        for record in records:
            out.write(json.dumps(record) + "\n")
        for line in raw_lines:
            out.write(line + "\n")


def build(tmp_path, folder, **config):
    builder = SketchRnn(config=SketchRnnConfig(name="test", **config), data_dir=str(tmp_path / "tfds"))
    builder.download_and_prepare(
        download_config=tfds.download.DownloadConfig(manual_dir=str(folder), try_download_gcs=False)
    )
    return builder


def examples(builder, split):
    return list(builder.as_dataset(split=split).as_numpy_iterator())


def test_ndjson_counts_each_drawing_once_and_keeps_synthetic_in_train(tmp_path, caplog):
    source = tmp_path / "quickdraw"
    real = [{"word": "cat", "key_id": str(1000 + i), "drawing": CAT} for i in range(40)]
    write_ndjson(
        source / "simplified" / "cat.ndjson.gz",
        real,
        raw_lines=[
            "{broken",
            json.dumps({"word": "cat", "key_id": "x1", "drawing": [[[1], [2]]]}),
            json.dumps({"word": "dog", "key_id": "x2", "drawing": CAT}),
            json.dumps({"word": "cat", "key_id": "x3", "drawing": [[[1, float("nan")], [2, 3]]]}),
        ],
    )
    raw = [
        {
            "word": "cat",
            "key_id": r["key_id"],
            "drawing": [[[x * 3.5 for x in s[0]], s[1], [0] * len(s[0])] for s in CAT],
        }
        for r in real[:10]
    ]
    raw.append({"word": "cat", "key_id": "raw-only", "drawing": [[[5.5, 300.25], [7.0, 9.0], [0, 16]]]})
    write_ndjson(source / "raw" / "cat.ndjson.gz", raw)
    synthetic = [{"word": "cat", "key_id": f"synth-{i}", "synthetic": True, "drawing": CAT} for i in range(30)]
    write_ndjson(source / "synthetic" / "cat.ndjson.gz", synthetic)
    write_ndjson(source / "simplified" / "not a category.ndjson.gz", real[:1])

    builder = build(tmp_path, source, categories=("cat", "dog"))
    splits = {s: examples(builder, s) for s in ("train", "validation", "test")}
    keys = [e["key_id"].decode() for s in splits.values() for e in s]
    assert len(keys) == len(set(keys)) == 40 + 1 + 30
    assert all(split_for_key(e["key_id"].decode()) == s for s in ("validation", "test") for e in splits[s])
    assert not any(e["synthetic"] for s in ("validation", "test") for e in splits[s])
    assert sum(e["synthetic"] for e in splits["train"]) == 30
    assert {CATEGORIES[e["label"]] for s in splits.values() for e in s} == {"cat"}
    first = next(e for s in splits.values() for e in s if e["key_id"] == b"1000")
    assert first["strokes"].dtype == np.int16 and first["strokes"].tolist()[0] == [0, 0, 0]
    log = caplog.text
    assert "cat.ndjson.gz:41 skipped: not valid JSON" in log
    assert "fewer than 2 points" in log and "does not match" in log and "non-finite" in log


def test_cap_per_category(tmp_path):
    source = tmp_path / "quickdraw"
    write_ndjson(
        source / "synthetic" / "cat.ndjson.gz", [{"word": "cat", "key_id": f"s{i}", "drawing": CAT} for i in range(50)]
    )
    builder = build(tmp_path, source, categories=("cat",), max_per_category=7)
    assert len(examples(builder, "train")) == 7


def test_folder_without_data_is_a_clear_error(tmp_path):
    (tmp_path / "empty" / "simplified").mkdir(parents=True)
    with pytest.raises(NoDataError, match="no <category>.ndjson"):
        build(tmp_path, tmp_path / "empty", categories=("cat",))


def test_unknown_category_is_a_clear_error(tmp_path):
    with pytest.raises(ValueError, match="unknown categories: unicorn"):
        build(tmp_path, tmp_path, categories=("unicorn",))


def write_npz(path, splits):
    arrays = {}
    for name, drawings in splits.items():
        arrays[name] = np.empty(len(drawings), dtype=object)
        arrays[name][:] = [np.asarray(d, dtype=np.int16) for d in drawings]
    np.savez(path, **arrays)


def npz_folder(tmp_path):
    folder = tmp_path / "npz"
    folder.mkdir()
    stroke3 = [[5, 5, 0], [10, -3, 1], [4, 4, 1]]
    for category, n in (("cat", 3), ("dog", 2)):
        write_npz(folder / f"{category}.npz", {"train": [stroke3] * n, "valid": [stroke3], "test": [stroke3] * 2})
    return folder


def test_npz_folder_keeps_sketch_rnn_splits(tmp_path):
    builder = build(tmp_path, npz_folder(tmp_path), source="npz", categories=("cat", "dog"))
    assert [len(examples(builder, s)) for s in ("train", "validation", "test")] == [5, 2, 4]
    assert examples(builder, "test")[0]["strokes"].tolist() == [[5, 5, 0], [10, -3, 1], [4, 4, 1]]


def test_download_config_fetches_npz_over_http(tmp_path):
    """The `download` source, pointed at a server on 127.0.0.1 holding small .npz files."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(npz_folder(tmp_path)))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/{{category}}.npz"
        builder = build(tmp_path, tmp_path / "unused", source="download", categories=("cat", "dog"), url_template=url)
        assert len(examples(builder, "train")) == 5
    finally:
        server.shutdown()


def test_data_command_prints_a_summary(tmp_path, capsys):
    source = tmp_path / "quickdraw"
    write_ndjson(
        source / "simplified" / "cat.ndjson.gz", [{"word": "cat", "key_id": str(i), "drawing": CAT} for i in range(20)]
    )
    assert data.main(["--source", str(source), "--categories", "cat", "--data-dir", str(tmp_path / "d")]) == 0
    out = capsys.readouterr().out
    assert "train       real" in out and "cat " in out


def test_data_command_reports_missing_data_without_a_traceback(tmp_path, capsys):
    (tmp_path / "nothing").mkdir()
    code = data.main(["--source", str(tmp_path / "nothing"), "--categories", "cat", "--data-dir", str(tmp_path)])
    assert code == 2
    assert capsys.readouterr().err.startswith("error: ")


def test_contributions_are_real_drawings_split_like_any_other_and_change_the_config(tmp_path, capsys):
    source = tmp_path / "quickdraw"
    write_ndjson(
        source / "simplified" / "cat.ndjson.gz", [{"word": "cat", "key_id": str(i), "drawing": CAT} for i in range(20)]
    )
    contributed = tmp_path / "contributions"
    (contributed / "raw").mkdir(parents=True)
    rows = [
        {
            "key_id": f"contribution-{i:032x}",
            "word": "cat",
            "countrycode": "",
            "recognized": True,
            "timestamp": "2026-12-02 07:00:00.000000 UTC",
            "drawing": [[[x * 2.5 for x in s[0]], s[1], list(range(len(s[0])))] for s in CAT],
        }
        for i in range(30)
    ]
    (contributed / "raw" / "cat.ndjson").write_text("".join(json.dumps(r) + "\n" for r in rows))
    common = ["--source", str(source), "--categories", "cat", "--data-dir", str(tmp_path / "tfds")]

    assert data.main([*common, "--contributions", str(contributed)]) == 0
    printed = capsys.readouterr().out
    counts = {s: sum(split_for_key(r["key_id"]) == s for r in rows) for s in ("train", "validation", "test")}
    assert (
        f"contributed (from the game, among the real ones): train {counts['train']}, "
        f"validation {counts['validation']}, test {counts['test']}"
    ) in printed
    name = printed.split("dataset: ")[1].split()[0]
    # More contributions make another dataset, never a reuse of the old build.
    (contributed / "raw" / "cat.ndjson").write_text("".join(json.dumps(r) + "\n" for r in rows[:10]))
    assert data.main([*common, "--contributions", str(contributed)]) == 0
    assert capsys.readouterr().out.split("dataset: ")[1].split()[0] != name
    assert data.main([*common, "--contributions", str(tmp_path / "missing")]) == 2


def dataset_args(source, categories, data_dir):
    """The data command's flags for a local ndjson folder, as `data.prepare` takes them."""
    return argparse.Namespace(
        source=str(source),
        config="ndjson",
        categories=categories,
        max_per_category=0,
        no_synthetic=False,
        data_dir=str(data_dir),
        contributions="",
    )


def test_the_config_name_changes_with_the_source_files_and_the_simplification(tmp_path):
    source = tmp_path / "quickdraw"
    records = [{"word": "cat", "key_id": str(i), "drawing": CAT} for i in range(20)]
    write_ndjson(source / "simplified" / "cat.ndjson.gz", records)
    args = dataset_args(source, "cat", tmp_path / "tfds")
    first = data.prepare(args).info.full_name
    assert data.prepare(args).info.full_name == first  # same files, same settings: the build is reused
    coarser = {**data.PREPROCESSING, "rdp_epsilon": 4.0}
    assert data.prepare(args, coarser).info.full_name != first
    write_ndjson(source / "simplified" / "cat.ndjson.gz", records[:15])
    assert data.prepare(args).info.full_name != first


@pytest.mark.slow  # over ten seconds
def test_beam_prepares_the_same_records_as_the_plain_path(tmp_path):
    """`model_training.data --beam` on Beam's DirectRunner (two worker processes) against the plain path, on
    the fixture with a drawing in two folders (kept once, from simplified/), synthetic drawings (train only) and
    a line that cannot be used."""
    source = tmp_path / "quickdraw"
    fixture = {
        (kind, category): gzip.decompress((FIXTURE_QUICKDRAW_DIR / kind / f"{category}.ndjson.gz").read_bytes())
        for kind in ("simplified", "raw")
        for category in ("cat", "dog")
    }
    twice = json.loads(fixture["simplified", "cat"].splitlines()[0])
    fixture["raw", "cat"] += json.dumps({**twice, "drawing": [[[0, 9], [0, 9], [0, 5]]]}).encode() + b"\n"
    for (kind, category), lines in fixture.items():
        (source / kind).mkdir(parents=True, exist_ok=True)
        (source / kind / f"{category}.ndjson.gz").write_bytes(gzip.compress(lines))
    synthetic = [{"word": "dog", "key_id": f"s{i}", "drawing": CAT} for i in range(5)]
    write_ndjson(source / "synthetic" / "dog.ndjson.gz", synthetic, raw_lines=["{broken"])

    def records(beam_options):
        args = dataset_args(source, "cat,dog", tmp_path / ("beam" if beam_options is not None else "plain"))
        builder = data.prepare(args, beam_options=beam_options)
        return builder.info.full_name, {
            split: sorted(
                (e["key_id"].decode(), int(e["label"]), bool(e["synthetic"]), e["strokes"].tobytes())
                for e in examples(builder, split)
            )
            for split in ("train", "validation", "test")
        }

    plain_name, plain = records(None)
    beam_name, on_beam = records("--direct_num_workers=2 --direct_running_mode=multi_processing")
    assert beam_name == plain_name  # the same dataset, whichever path prepared it
    assert on_beam == plain
    kept = [r for split in plain.values() for r in split if r[0] == twice["key_id"]]
    assert len(kept) == 1  # from simplified/: its strokes are not the raw line's two points
    assert sum(r[2] for r in plain["train"]) == 5 and not any(r[2] for r in plain["test"])
