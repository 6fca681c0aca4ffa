"""One training run's settings, in one typed object: what `train` was asked for.

`train` builds a RunConfig from its command line (whose defaults are the fields' defaults below) and
writes it, with its own types, to <run>/run.json together with the dataset it trained on. Run the same
command again and it resumes only if it asks for the same settings; a difference stops it, naming each
field. `export` reads the run's RunConfig, not today's defaults: the architecture, preprocessing,
training and distillation settings in metadata.json are the run's own.
"""

import dataclasses
import json
import types
import typing
from pathlib import Path

from model_training.core.model_package import sha256_of
from model_training.data import dataset_flags

# Where the dataset is read and written may differ between a run and its resumption or export (another
# machine, a moved folder); what the dataset holds may not, and the builder's config name says that.
DATASET_LOCATIONS = ("source", "data_dir")


class RunConfigError(ValueError):
    """run.json is missing, unreadable, or does not hold a run's settings with their types."""


def setting(default, help):
    """A run setting: its default, and the help of its flag in train's command line (add_run_arguments)."""
    return dataclasses.field(default=default, metadata={"help": help})


@dataclasses.dataclass(frozen=True)
class RunConfig:
    dataset: dict  # the flags that choose the dataset, as model_training.data.prepare takes them
    model: dict  # the architecture, as model_training.model.build_model takes it
    preprocessing: dict  # as model_training.core.model_input takes it; travels into metadata.json
    # optimisation
    steps: int = setting(24000, "training steps (batches)")
    batch_size: int = setting(128, "drawings per step, over all devices and workers")
    lr: float = setting(3e-3, "peak learning rate (Adam), after a linear warm-up, then cosine decay to 5%%")
    warmup_steps: int = setting(300, "steps of linear learning-rate warm-up")
    clipnorm: float = setting(1.0, "largest global norm of a step's gradients")
    eval_every: int = setting(2000, "steps between validations (best.h5 keeps the best)")
    seed: int = setting(1234, "seed of the data order, the augmentation and the initial weights")
    # what the model sees
    real_boost: float = setting(4.0, "real drawings are sampled this many times as often as synthetic ones")
    category_power: float = setting(0.5, "a category's share of batches grows with (its drawings) ** power")
    no_augment: bool = setting(False, "show the stored drawings as they are")
    min_size: float = setting(0.4, "smallest size of an augmented drawing, as a share of the frame (the canvas)")
    # so a model can be measured on categories it does not know (benchmarks/own_categories.py)
    leave_out: str = setting("", "comma-separated categories left out of training and validation")
    last_weight: float = setting(
        0.2, "share of the loss on the last point; the rest is spread over every point (1: last only)"
    )
    # distillation: the teacher's path (its own flags, --teacher and --no-teacher); None trains on the labels alone
    teacher: str | None = None
    teacher_weight: float = setting(0.7, "share of each point's target taken from the teacher; the rest is the label")
    temperature: float = setting(1.0, "softens the teacher's distribution")
    mix_rate: float = setting(0.0, "share of drawings mixed with another category's, labelled by the teacher alone")

    @classmethod
    def from_args(cls, args, model, preprocessing):
        """From train's argparse namespace: every field by its name, the dataset flags under `dataset`."""
        values = {f.name: getattr(args, f.name) for f in dataclasses.fields(cls) if hasattr(args, f.name)}
        values["teacher"] = str(args.teacher) if args.teacher else None
        values["dataset"] = {flag: getattr(args, flag) for flag in dataset_flags()}
        return cls(model=dict(model), preprocessing=dict(preprocessing), **values)

    @classmethod
    def from_json(cls, data):
        """From run.json's "config", each field checked against its type; raises RunConfigError."""
        if not isinstance(data, dict):
            raise RunConfigError("its config is not an object")
        hints = typing.get_type_hints(cls)
        names = {f.name for f in dataclasses.fields(cls)}
        required = {f.name for f in dataclasses.fields(cls) if f.default is dataclasses.MISSING}
        unknown, missing = sorted(set(data) - names), sorted(required - set(data))
        if unknown or missing:
            raise RunConfigError(f"unknown settings {unknown}, missing settings {missing}")
        return cls(**{name: _typed(name, hints[name], value) for name, value in data.items()})

    def differences(self, other):
        """'field: mine -> other's' for every setting that differs (dataset locations excepted)."""
        mine, theirs = dataclasses.asdict(self), dataclasses.asdict(other)
        for location in DATASET_LOCATIONS:
            mine["dataset"].pop(location, None)
            theirs["dataset"].pop(location, None)
        return [f"{name}: {mine[name]!r} -> {theirs[name]!r}" for name in mine if mine[name] != theirs[name]]

    def published(self):
        """Every setting, as metadata.json records it: the teacher by its file name (its checksum beside it),
        the dataset without the folders it was read from on the training machine."""
        settings = dataclasses.asdict(self)
        settings["teacher"] = Path(self.teacher).name if self.teacher else None
        for location in DATASET_LOCATIONS:
            settings["dataset"].pop(location, None)
        return settings


# What --quick changes: a tiny run of the same code, in seconds (the model is QUICK_MODEL_CONFIG).
QUICK_SETTINGS = {"steps": 60, "eval_every": 30, "batch_size": 32, "warmup_steps": 5}


def add_run_arguments(parser):
    """A flag for every setting of RunConfig that has one (setting()), of the field's type, with its default."""
    hints = typing.get_type_hints(RunConfig)
    for field in dataclasses.fields(RunConfig):
        if "help" not in field.metadata:
            continue
        flag, kind = f"--{field.name.replace('_', '-')}", hints[field.name]
        if kind is bool:
            parser.add_argument(flag, action="store_true", help=field.metadata["help"])
        else:
            parser.add_argument(flag, type=kind, default=field.default, help=f"{field.metadata['help']} (%(default)s)")


def _typed(name, hint, value):
    """`value` as the field's type, or RunConfigError naming the field."""
    if hint is float and _is_number(value):
        return float(value)
    if hint is int and _is_number(value) and float(value).is_integer():
        return int(value)
    if hint in (bool, dict, str) and isinstance(value, hint):
        return value
    if isinstance(hint, types.UnionType) and (value is None or isinstance(value, str)):  # str | None
        return value
    raise RunConfigError(f"'{name}' should be {getattr(hint, '__name__', hint)}, not {value!r}")


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def run_document(config, dataset, data):
    """What a run is: the config with its types, the teacher file's sha256, the dataset's full name and counts.
    Training keeps it inside every checkpoint, and writes a copy to <run>/run.json for export and people."""
    return {
        "config": dataclasses.asdict(config),
        "teacher_sha256": sha256_of(config.teacher) if config.teacher else None,
        "dataset": dataset,
        "data": data,
    }


def read_run(document, where):
    """(RunConfig, the rest: teacher_sha256, dataset, data) from a run document; RunConfigError names `where`."""
    try:
        details = {key: document[key] for key in ("teacher_sha256", "dataset", "data")}
        return RunConfig.from_json(document["config"]), details
    except (KeyError, TypeError, ValueError) as error:
        raise RunConfigError(f"{where}: not a run's settings ({error})") from None


def load_run(folder):
    """(RunConfig, details) from <folder>/run.json (see read_run); raises RunConfigError."""
    path = Path(folder) / "run.json"
    try:
        document = json.loads(path.read_text())
    except FileNotFoundError:
        raise RunConfigError(f"{path}: no such file (is {folder} a training run?)") from None
    except (OSError, ValueError) as error:
        raise RunConfigError(f"{path}: not a run's settings ({error})") from None
    return read_run(document, path)
