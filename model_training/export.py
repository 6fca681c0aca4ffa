"""Convert a trained run to a TF.js layers model with quantised weights, plus metadata.json.

    python -m model_training.export --run runs/default --out static/model

Quantisation: uint8 when it costs at most 0.5 points of top-1 on the real validation drawings, float16
otherwise (both measured and recorded in metadata.json). metadata.json is the one description of the model
that the browser and the server read (model_training.core.model_package): labels in output order, preprocessing,
architecture, version, weight checksums, the run's complete settings with the teacher's checksum, training
data counts, and the calibration fitted on the validation drawings. A new export removes the old model's
metrics.json and plots: they describe other weights. `model_training.evaluate` writes this model's."""

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

from tensorflowjs.converters import save_keras_model

from model_training.calibrate import fit_calibration
from model_training.core.config import MODEL_DIR
from model_training.core.model_input import stored_input
from model_training.core.model_package import SCHEMA_VERSION, package_version, sha256_of
from model_training.data import load_split, prepare
from model_training.model import build_model, top1
from model_training.others_drew import FILE as OTHERS_DREW
from model_training.others_drew import write_others_drew
from model_training.run_config import RunConfigError, load_run
from model_training.sketch_rnn import CATEGORIES
from model_training.tfjs_model import load_tfjs_model

MAX_TOP1_LOSS = 0.005  # quantisation may cost at most half a point of top-1


def remove_figures(folder):
    """metrics.json and the plots describe one model's weights: they go when its weights change."""
    for old in [*folder.glob("*.png"), folder / "metrics.json"]:
        old.unlink(missing_ok=True)


def convert(model, out_dir, dtype):
    save_keras_model(model, str(out_dir), quantization_dtype_map={dtype: "*"})
    return sum(p.stat().st_size for p in Path(out_dir).glob("*.bin"))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--run", type=Path, default=Path("runs/default"))
    parser.add_argument("--out", type=Path, default=MODEL_DIR)
    args = parser.parse_args(argv)
    try:
        run, details = load_run(args.run)
        dataset = details["dataset"]
    except RunConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    model = build_model(len(CATEGORIES), run.model)
    model.load_weights(args.run / "best.h5")

    builder = prepare(argparse.Namespace(**run.dataset), run.preprocessing)
    if builder.info.full_name != dataset:
        print(f"error: the run trained on {dataset}, its flags now make {builder.info.full_name}", file=sys.stderr)
        return 2
    val_strokes, val_y, _ = load_split(builder, "validation", real_only=True)
    val_x = [stored_input(s, run.preprocessing) for s in val_strokes]
    reference = top1(model, val_x, val_y)
    print(f"float32 validation top-1: {reference:.4f} on {len(val_y)} real drawings")

    candidates = {}
    with tempfile.TemporaryDirectory() as scratch:
        for dtype in ("uint8", "float16"):
            folder = Path(scratch) / dtype
            size = convert(model, folder, dtype)
            accuracy = top1(load_tfjs_model(folder), val_x, val_y)
            candidates[dtype] = {"validation_top1": accuracy, "weights_bytes": size}
            print(
                f"{dtype:>8}: validation top-1 {accuracy:.4f} ({(accuracy - reference) * 100:+.2f} points), "
                f"weights {size / 1024:.0f} KiB"
            )
        chosen = "uint8" if reference - candidates["uint8"]["validation_top1"] <= MAX_TOP1_LOSS else "float16"
        print(f"chosen: {chosen}")
        args.out.mkdir(parents=True, exist_ok=True)
        # The old model's files go, its figures with them (evaluate writes this model's).
        remove_figures(args.out)
        stale = ["model.json", "metadata.json", "training_history.json", OTHERS_DREW]
        for old in [*args.out.glob("*.bin"), *(args.out / name for name in stale)]:
            old.unlink(missing_ok=True)
        for path in (Path(scratch) / chosen).iterdir():
            shutil.copy(path, args.out / path.name)

    calibration = fit_calibration(load_tfjs_model(args.out), val_strokes, val_y, run.preprocessing)
    print(f"calibration: temperature {calibration['temperature']:.3f}")
    checksums = {p.name: sha256_of(p) for p in sorted(args.out.glob("*.bin"))}
    metadata = {
        "schema_version": SCHEMA_VERSION,  # model_training/core/model_package.py checks what follows
        "name": "inkling-sketch-lstm",
        "version": package_version(checksums),
        "labels": CATEGORIES,
        "preprocessing": run.preprocessing,  # what the run trained on, whatever config.py now says
        "architecture": run.model,
        "causal": True,
        "parameters": int(model.count_params()),
        "quantization": {"chosen": chosen, "float32_validation_top1": reference, "candidates": candidates},
        "training_data": details["data"],
        # Every setting of the run; the teacher by name and checksum (it is never exported).
        "run": {"config": run.published(), "teacher_sha256": details["teacher_sha256"]},
        "calibration": calibration,  # the temperature both engines apply (model_training.core.calibration)
        "dataset": dataset,
        "weights": checksums,  # the server refuses weights that do not match
        "model_json": sha256_of(args.out / "model.json"),  # and a model.json that does not
    }
    (args.out / "metadata.json").write_text(json.dumps(metadata, indent=2) + "\n")
    # The curves and throughput travel with the model: the model page, Q5 and the benchmarks read them.
    shutil.copy(args.run / "history.json", args.out / "training_history.json")
    # A few real training drawings per category, which the game shows after a round.
    if run.dataset.get("source") and Path(run.dataset["source"]).is_dir():
        write_others_drew(run.dataset["source"], args.out, CATEGORIES)
    print(f"exported {metadata['version']} to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
