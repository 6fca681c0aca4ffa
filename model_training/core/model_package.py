"""The exported model as a package: model.json, weight shards, metadata.json and (after evaluation)
metrics.json, read through one loader, `ModelPackage.from_pretrained(folder)`.

Free of TensorFlow on purpose: the web server reads the package with numpy alone. `model_training.export`
writes it (SCHEMA_VERSION and a sha256 of every weight file in metadata.json). The loader refuses a package
whose metadata lacks a field or holds an absurd value, or whose weights do not match their checksums.
Whatever serves, evaluates or plays with a model takes its labels, preprocessing and version from here.
metrics.json belongs to one model: it names the version and weights digest it was computed for, and the
loader sets it aside (with the reason in `metrics_problem`) when they are another model's.
"""

import datetime
import hashlib
import json
from pathlib import Path

import jsonschema
import numpy as np

from model_training.core.model_input import canvas_frame, drawing_to_stroke3, normalize
from model_training.core.sketch_model import SketchModel, UnsupportedModel

# What metadata.json holds, said once: this file, read here and by the pages (scripts/vendor.mjs generates
# their validator from it).
METADATA_SCHEMA = json.loads((Path(__file__).resolve().parent / "metadata.schema.json").read_text())
METADATA_VALIDATOR = jsonschema.Draft202012Validator(METADATA_SCHEMA)
SCHEMA_VERSION = METADATA_SCHEMA["properties"]["schema_version"]["const"]
QUANTISED = {"uint8": np.uint8, "uint16": np.uint16, "float16": np.float16}


class ModelPackageError(ValueError):
    """The package cannot be used; the message says what is wrong without naming server paths."""


def sha256_of(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def weights_digest(checksums):
    """One sha256 for a model's weights, from {file name: sha256} (metadata.json's "weights")."""
    return hashlib.sha256("".join(f"{name} {checksums[name]}\n" for name in sorted(checksums)).encode()).hexdigest()


def package_version(checksums):
    """A new package's version: the day it is written and the start of its weights' digest."""
    return f"{datetime.date.today():%Y.%m.%d}-{weights_digest(checksums)[:8]}"


def decode_weights(manifest, read_file):
    """{name: float32 array} from a weightsManifest, decoded as TF.js decodes it; read_file(path) -> bytes."""
    weights = {}
    for group in manifest:
        data = b"".join(read_file(path) for path in group["paths"])
        offset = 0
        for spec in group["weights"]:
            count = int(np.prod(spec["shape"], dtype=np.int64))
            quantization = spec.get("quantization")
            dtype = np.dtype(QUANTISED[quantization["dtype"]] if quantization else spec["dtype"])
            if offset + count * dtype.itemsize > len(data):
                raise ModelPackageError(f"the weight files are shorter than model.json says ({spec['name']})")
            values = np.frombuffer(data, dtype=dtype, count=count, offset=offset)
            offset += count * dtype.itemsize
            if quantization and quantization["dtype"] != "float16":
                values = values * quantization["scale"] + quantization["min"]  # TF.js: float64, then float32
            weights[spec["name"]] = values.astype(np.float32).reshape(spec["shape"])
    return weights


def _fraction(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value <= 1


def _count(value):
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _group_rows(rows):
    """Accuracy rows by category group, as model_training.evaluate writes them."""
    return isinstance(rows, list) and all(
        isinstance(r, dict)
        and isinstance(r.get("name"), str)
        and _count(r.get("drawings"))
        and all(_fraction(r.get(k)) for k in ("top1", "top3", "top5"))
        and isinstance(r.get("top1_by_fraction"), dict)
        and _fraction(r["top1_by_fraction"].get("0.5"))
        and all(_fraction(v) for v in r["top1_by_fraction"].values())
        for r in rows
    )


def _field(path):
    """A place in metadata.json as the problems name it: keys and indices joined by dots."""
    return ".".join(str(step) for step in path)


def _problems(error):
    """The sentences for a jsonschema error, as static/js/model_metadata.js words the same error."""
    if not error.absolute_path and error.validator == "type":
        return ["metadata.json is not a JSON object"]
    if error.validator == "required":
        missing = [name for name in error.validator_value if name not in error.instance]
        return [f"metadata.json has no '{_field([*error.absolute_path, name])}'" for name in missing]
    return [f"metadata.json has an invalid '{_field(error.absolute_path)}'"]


def validate_metadata(metadata):
    """Every problem with a metadata.json object by METADATA_SCHEMA, as sorted sentences naming the field
    (empty when it is sound); then the rule across fields that a schema does not say."""
    problems = sorted({problem for error in METADATA_VALIDATOR.iter_errors(metadata) for problem in _problems(error)})
    if not problems:
        quantization = metadata["quantization"]
        if quantization["chosen"] not in quantization["candidates"]:
            problems.append("metadata.json's quantization.chosen names none of its candidates")
    return problems


def metrics_are_sound(metrics):
    """metrics.json holds what the model page reads."""
    return (
        isinstance(metrics, dict)
        and _count(metrics.get("test_drawings"))
        and isinstance(metrics.get("model"), dict)
        and isinstance(metrics.get("early_recognition"), dict)
        and _fraction(metrics["early_recognition"].get("right_before_the_end"))
        and isinstance(metrics["early_recognition"].get("top1_by_time_fraction"), dict)
        and isinstance(metrics.get("plots"), list)
        and all(isinstance(p, str) and p.endswith(".png") and Path(p).name == p for p in metrics["plots"])
        and _group_rows(metrics.get("groups"))
        and _group_rows(metrics.get("by_real_training_drawings"))
        and isinstance(metrics.get("per_category"), dict)
        and all(
            isinstance(v, dict) and _fraction(v.get("top1")) and _count(v.get("drawings"))
            for v in metrics["per_category"].values()
        )
        and (
            "teacher" not in metrics
            or (
                isinstance(metrics["teacher"], dict)
                and isinstance(metrics["teacher"].get("name"), str)
                and _group_rows(metrics["teacher"].get("groups"))
                and len(metrics["teacher"]["groups"]) == len(metrics["groups"])
                and _group_rows(metrics["teacher"].get("by_real_training_drawings"))
                and len(metrics["teacher"]["by_real_training_drawings"]) == len(metrics["by_real_training_drawings"])
                and all(  # the model page sets the two side by side, fraction by fraction
                    t["top1_by_fraction"].keys() == g["top1_by_fraction"].keys()
                    for t, g in zip(metrics["teacher"]["groups"], metrics["groups"])
                )
            )
        )
    )


def _read_json(path):
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        raise ModelPackageError(f"{path.name} is missing") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ModelPackageError(f"{path.name} is not readable JSON ({type(error).__name__})") from None


class ModelPackage:
    """One exported model, checked: what it is (metadata), what it computes (model.json and the decoded
    weights) and how well it does (metrics, when metrics.json was computed for these very weights)."""

    def __init__(self, folder, metadata, model_json, weights, metrics=None, metrics_problem=None):
        self.folder = Path(folder)
        self.metadata = metadata
        self.model_json = model_json
        self.weights = weights
        self.metrics = metrics
        self.metrics_problem = metrics_problem

    @classmethod
    def from_pretrained(cls, folder):
        """Read and check the package in `folder`; raises ModelPackageError saying what is wrong."""
        folder = Path(folder)
        metadata = _read_json(folder / "metadata.json")
        model_json = _read_json(folder / "model.json")
        problems = validate_metadata(metadata)
        if problems:
            raise ModelPackageError("; ".join(problems))
        if sha256_of(folder / "model.json") != metadata["model_json"]:
            raise ModelPackageError("model.json does not match its checksum in metadata.json")
        try:
            manifest = model_json["weightsManifest"]
            shards = [path for group in manifest for path in group["paths"]]
        except (KeyError, TypeError):
            raise ModelPackageError("model.json has no valid weightsManifest") from None
        if sorted(shards) != sorted(metadata["weights"]):
            raise ModelPackageError("model.json's weight files are not the ones metadata.json has checksums for")
        for name, expected in metadata["weights"].items():
            path = folder / name
            if Path(name).name != name or not path.is_file():
                raise ModelPackageError(f"weight file {Path(name).name} is missing")
            if sha256_of(path) != expected:
                raise ModelPackageError(f"weight file {name} does not match its checksum in metadata.json")
        try:
            weights = decode_weights(manifest, lambda path: (folder / path).read_bytes())
        except (KeyError, TypeError, ValueError) as error:
            raise ModelPackageError(f"model.json's weightsManifest cannot be decoded ({error})") from None
        # Weights that decode to NaN or infinity (a run that diverged, an absurd quantisation scale) would make
        # every probability NaN.
        damaged = sorted(name for name, values in weights.items() if not np.isfinite(values).all())
        if damaged:
            raise ModelPackageError(f"weights {', '.join(damaged[:3])} decode to numbers that are not finite")
        package = cls(folder, metadata, model_json, weights)
        package.metrics, package.metrics_problem = package._read_metrics()
        return package

    @property
    def labels(self):
        return self.metadata["labels"]

    @property
    def preprocessing(self):
        return self.metadata["preprocessing"]

    @property
    def version(self):
        return self.metadata["version"]

    @property
    def temperature(self):
        return self.metadata["calibration"]["temperature"]

    @property
    def identity(self):
        """What metrics.json must name to belong to this model."""
        return {"version": self.version, "weights_digest": weights_digest(self.metadata["weights"])}

    def drawing_to_stroke3(self, drawing, canvas_size=None):
        """A Quick, Draw! drawing (raw or simplified) as the stroke-3 this model reads, by its own preprocessing:
        framed by the canvas it was drawn on where its longer side is given, else by its own box."""
        frame = None if canvas_size is None else canvas_frame(canvas_size, self.preprocessing)
        return drawing_to_stroke3(drawing, self.preprocessing, frame)

    def model_input(self, stroke3):
        """Stroke-3 -> the rows this model reads (offsets scaled, at most max_points)."""
        return normalize(stroke3, self.preprocessing)

    def engine(self):
        """The numpy engine for these weights (model_training.core.sketch_model); raises ModelPackageError."""
        try:
            model = SketchModel(self.model_json, self.weights, self.temperature)
        except (UnsupportedModel, KeyError, TypeError, ValueError) as error:
            raise ModelPackageError(f"model.json cannot be run: {error}") from None
        if model.classes != len(self.labels):
            raise ModelPackageError(
                f"the model has {model.classes} outputs but metadata.json lists {len(self.labels)} labels"
            )
        return model

    def _read_metrics(self):
        """(metrics, None) when metrics.json is sound and describes this model, else (None, why not)."""
        path = self.folder / "metrics.json"
        if not path.is_file():
            return None, "this model has not been evaluated yet (metrics.json is missing)"
        try:
            metrics = _read_json(path)
        except ModelPackageError as error:
            return None, str(error)
        if not metrics_are_sound(metrics):
            return None, "metrics.json does not hold what the model page reads"
        described = metrics["model"].get("version")
        if metrics["model"] != self.identity:
            return None, f"metrics.json describes model {described}, not {self.version}: evaluate this model again"
        return metrics, None
