"""Train the sketch LSTM on the `sketch_rnn` dataset, top to bottom.

    python -m model_training.train --source DIR          # the shipped recipe (about 2 h on 2 cores)
    python -m model_training.train --quick --out /tmp/q  # the same code, a tiny model in seconds
    python -m model_training.train --no-teacher          # the labels alone (worst where drawings are few)
    python -m model_training.train --steps 200000 --batch-size 256 --distribute mirrored   # bigger machines

The teacher is --teacher PATH, else $INKLING_TEACHER, else ../shared/teachers/doodlenet/doodlenet.h5 beside
the checkout where it is there.

A run lives in its --out folder. Each checkpoint (every --checkpoint-minutes, after a validation, at the
end) holds the whole state: weights, optimizer, step, and a record of the run's settings (RunConfig, see
model_training/run_config.py, with the dataset and its counts), its best validation score and its
history. best.h5 holds the weights with the best validation score; run.json and history.json are readable
copies of the record for export and for people. Run the same command again after an interruption and it
resumes from the last checkpoint; asked for other settings, it stops and names them.

Choices, each measured on the real validation drawings (docs/experiments.md, "Training choices"):
- loss on every point, weighted towards the end, so the model can guess from a prefix;
- balanced sampling: each category's share grows with the square root of its drawings, and real
  drawings are drawn --real-boost times as often as synthetic ones of their category;
- augmentation: a stroke dropped, then the whole rotated, jittered and drawn at a random size in the frame
  (the page frames a drawing by its canvas, so a drawing's size there is the person's);
- with --mix-rate (and a teacher), function matching: that share of drawings becomes two drawings of different
  categories in one, overlaid or cut and joined, which only the teacher labels, so the student learns the
  teacher's function beyond the few drawings a thin category has;
- with --teacher, distillation: every point's target mixes the true label with a bitmap teacher's
  output on the very (augmented) drawing the student sees, so the target is honest for the new drawing.
  The teacher runs in the input pipeline, overlapped with the training step; it is never exported.
"""

import argparse
import json
import math
import os
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
import tensorflow as tf
import tf_keras as keras
from tqdm import tqdm

from model_training.core.config import PREPROCESSING, PROJECT_ROOT, TEACHER_ENV, default_teacher
from model_training.core.model_input import page_prefix, stored_input
from model_training.data import add_dataset_arguments, category_groups, load_split, prepare
from model_training.model import MODEL_CONFIG, QUICK_MODEL_CONFIG, build_model, guessed_right, pad_batch
from model_training.run_config import (
    QUICK_SETTINGS,
    RunConfig,
    RunConfigError,
    add_run_arguments,
    read_run,
    run_document,
)
from model_training.scoring import category_mean
from model_training.sketch_rnn import CATEGORIES, NoDataError
from model_training.teacher import Teacher, TeacherError

POOL_BATCHES = 32  # batches drawn at once and grouped by length, so padding stays small
QUICK_CATEGORIES = "cat,dog,bicycle,airplane,car,apple"  # --quick's dataset: categories the fixture has
BEST_BY = "val_top1_per_category"  # the validation figure that picks best.h5
RECORD_KEY = "record/.ATTRIBUTES/VARIABLE_VALUE"  # the record's name inside a checkpoint
CANVAS = PREPROCESSING["canvas_size"]
# What training without the teacher costs, on the real validation drawings (docs/experiments.md, "The teacher").
WITHOUT_TEACHER = (
    "at 8,000 of 24,000 steps it costs 9.4 points of validation top-1 on the categories with few real drawings "
    "(28.4% against 37.8%) and 1.7 over all drawings"
)


def parse_args(argv):
    """The command line; every run setting's default is RunConfig's (model_training/run_config.py)."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_dataset_arguments(parser)
    add_run_arguments(parser)
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "runs" / "default")
    parser.add_argument("--checkpoint-minutes", type=float, default=3.0)
    parser.add_argument(
        "--pause-at", type=int, default=0, help="stop at this step with a checkpoint, to resume later (0: never)"
    )
    parser.add_argument("--threads", type=int, default=0, help="TensorFlow threads (0: all cores)")
    parser.add_argument(
        "--cpu-devices",
        type=int,
        default=1,
        help="split the CPU into this many logical devices, so --distribute mirrored runs on a CPU-only machine",
    )
    parser.add_argument(
        "--distribute",
        choices=("none", "mirrored", "multiworker"),
        default="none",
        help="tf.distribute strategy for several GPUs or workers",
    )
    parser.add_argument(
        "--teacher",
        type=Path,
        default=default_teacher(),
        help=f"a bitmap teacher's Keras file (class_names.txt beside it) to distil from (default: ${TEACHER_ENV} "
        "or ../shared/teachers/doodlenet/doodlenet.h5)",
    )
    parser.add_argument("--no-teacher", action="store_true", help="train on the labels alone")
    parser.add_argument("--quick", action="store_true", help="tiny model, few steps, a few categories")
    if parser.parse_args(argv).quick:  # --quick changes the defaults; flags given still win
        parser.set_defaults(**QUICK_SETTINGS, categories=QUICK_CATEGORIES)
    args = parser.parse_args(argv)
    if args.no_teacher:
        args.teacher = None
    if args.mix_rate and args.teacher is None:
        parser.error("--mix-rate needs a teacher: a mixed drawing has no true label")
    elif args.teacher is None:
        print(
            f"warning: no teacher found, so training on the labels alone ({WITHOUT_TEACHER}); fetch it with "
            "`python -m model_training.download teacher --out DIR`, then --teacher DIR/doodlenet.h5",
            file=sys.stderr,
        )
    return args


# --- data ---------------------------------------------------------------------------------------------
def sampling_weights(labels, synthetic, category_power, real_boost):
    """Per-drawing sampling probability: category share ~ count**power, real drawings boosted."""
    weights = np.where(synthetic, 1.0, real_boost)
    per_category = np.bincount(labels, weights=weights, minlength=len(CATEGORIES))
    counts = np.bincount(labels, minlength=len(CATEGORIES)).astype(float)
    share = np.where(counts > 0, counts**category_power, 0.0)
    probabilities = weights / per_category[labels] * share[labels]
    return probabilities / probabilities.sum()


def augment(sequence, rng, run):
    """A new drawing from a stored (simplified) one, as float stroke-3 in the frame's units: stroke dropout,
    then a random rotation, a size from run.min_size to the full frame (log-uniform, a little anisotropic) and point
    jitter (half a unit) of the whole. The teacher labels the result, whatever it became."""
    s = sequence.astype(np.float32)
    pen_ends = np.flatnonzero(s[:, 2] == 1)
    if len(pen_ends) > 1 and rng.random() < 0.3:
        # Drop one stroke; its offsets move into the next point so later strokes stay in place.
        k = rng.integers(len(pen_ends) - 1)  # never the last stroke
        start = pen_ends[k - 1] + 1 if k > 0 else 0
        end = pen_ends[k] + 1
        s[end, :2] += s[start:end, :2].sum(axis=0)
        s = np.delete(s, np.s_[start:end], axis=0)
    angle = rng.normal(0.0, 0.15)
    scale = math.exp(rng.uniform(math.log(run.min_size), 0.0)) * rng.uniform(0.9, 1.1, size=2)
    cos, sin = math.cos(angle), math.sin(angle)
    matrix = np.array([[cos, -sin], [sin, cos]], dtype=np.float32) * scale.astype(np.float32)
    s[:, :2] = s[:, :2] @ matrix.T
    s[:, :2] += rng.normal(0.0, 0.5, size=(len(s), 2)).astype(np.float32)
    return s


def absolute_points(sequence):
    """Stroke-3 -> (N, 2) absolute points and the (N,) pen column."""
    return np.cumsum(sequence[:, :2], axis=0), sequence[:, 2]


def from_points(points, pens):
    """The inverse of absolute_points: stroke-3, the first offset taken from the origin."""
    s = np.empty((len(points), 3), dtype=np.float32)
    s[:, :2] = np.diff(points, axis=0, prepend=np.zeros((1, 2), points.dtype))
    s[:, 2] = pens
    return s


def placed(points, rng):
    """`points` (in the 0..canvas frame) at a random size from 0.4 to 0.8 and a random place inside the frame."""
    low, high = points.min(axis=0), points.max(axis=0)
    scale = rng.uniform(0.4, 0.8)
    room = np.maximum(0.0, CANVAS - (high - low) * scale)
    return (points - low) * scale + rng.uniform(0.0, 1.0, size=2) * room


def mix_drawings(sequence, partner, rng):
    """Two drawings of different categories made one, for the teacher alone to label (function matching): half
    of the time overlaid, each at its own size and place, the partner drawn after; otherwise cut and joined,
    the first strokes of one and the later strokes of the other, each where it was (both are in the same frame).
    A drawing of one stroke can only be overlaid."""
    a, a_pens = absolute_points(sequence.astype(np.float32))
    b, b_pens = absolute_points(partner.astype(np.float32))
    a_ends, b_ends = np.flatnonzero(a_pens == 1), np.flatnonzero(b_pens == 1)
    if rng.random() < 0.5 or len(a_ends) < 2 or len(b_ends) < 2:
        points, pens = np.concatenate([placed(a, rng), placed(b, rng)]), np.concatenate([a_pens, b_pens])
    else:
        cut_a = a_ends[rng.integers(len(a_ends) - 1)] + 1  # keep at least one stroke of each
        cut_b = b_ends[rng.integers(len(b_ends) - 1)] + 1
        points, pens = np.concatenate([a[:cut_a], b[cut_b:]]), np.concatenate([a_pens[:cut_a], b_pens[cut_b:]])
    return from_points(points, pens)


def partners(labels, picked, rng):
    """For each picked drawing, another picked drawing of a different category (the pool's own mix, so a
    partner is drawn with the same balanced weights); where a whole pool is one category, any other."""
    mates = picked[rng.permutation(len(picked))]
    same = labels[mates] == labels[picked]
    for _ in range(3):  # a few reshuffles of the clashes leave almost none
        if not same.any():
            break
        mates[same] = mates[same][rng.permutation(int(same.sum()))]
        same = labels[mates] == labels[picked]
    return mates


def category_indices(names):
    """Indices of the comma-separated category names; ValueError names any that are not categories."""
    names = [n.strip() for n in names.split(",") if n.strip()]
    unknown = sorted(set(names) - set(CATEGORIES))
    if unknown:
        raise ValueError(f"--leave-out: not categories: {', '.join(unknown)}")
    return [CATEGORIES.index(n) for n in names]


def without_categories(left_out, sequences, labels, *columns):
    """The split without the drawings of the categories `left_out` (indices): (sequences, labels, *columns)."""
    keep = ~np.isin(labels, left_out)
    return ([s for s, k in zip(sequences, keep) if k], labels[keep], *(c[keep] for c in columns))


def step_weights(lengths, last_weight):
    """Loss weight per point: `last_weight` on the last point, the rest spread over all points growing
    with t (a later point has seen more of the drawing). Each drawing's weights sum to 1."""
    weights = np.zeros((len(lengths), lengths.max()), dtype=np.float32)
    for i, n in enumerate(lengths):
        ramp = np.arange(1, n + 1, dtype=np.float32)
        weights[i, :n] = (1 - last_weight) * ramp / ramp.sum()
        weights[i, n - 1] += last_weight
    return weights


def batches(sequences, labels, probabilities, run, first_batch):
    """Deterministic stream of (inputs, labels, point weights, teacher shares) batches from batch index
    `first_batch` on: each drawing, with probability run.mix_rate mixed with another category's (mix_drawings),
    unless run.no_augment augmented (augment), as the model reads it; the teacher then labels it. A drawing's
    teacher share is the weight of the teacher's target in its loss: run.teacher_weight, 1 for a mixed one.

    Batch b is a function of (seed, b // POOL_BATCHES) alone, so a resumed run sees the same data.
    """
    pool_size = POOL_BATCHES * run.batch_size
    pool_index = first_batch // POOL_BATCHES
    skip = first_batch % POOL_BATCHES
    while True:
        rng = np.random.default_rng([run.seed, pool_index])
        picked = rng.choice(len(sequences), size=pool_size, p=probabilities)
        # Off (the default), mixing draws nothing from `rng`: such runs see the batches the shipped recipe saw.
        mixed = rng.random(pool_size) < run.mix_rate if run.mix_rate else np.zeros(pool_size, dtype=bool)
        mates = partners(labels, picked, rng) if run.mix_rate else picked
        pool = [
            mix_drawings(sequences[i], sequences[mate], rng) if mix else sequences[i]
            for i, mate, mix in zip(picked, mates, mixed)
        ]
        # Similar lengths together, as they will be read (a mixed drawing is longer): little padding.
        order = np.argsort([len(s) for s in pool], kind="stable")
        pool, picked, mixed = [pool[k] for k in order], picked[order], mixed[order]
        for position, j in enumerate(rng.permutation(POOL_BATCHES)):
            chunk = slice(j * run.batch_size, (j + 1) * run.batch_size)
            shown = pool[chunk]
            if not run.no_augment:
                shown = [augment(s, rng, run) for s in shown]
            if position < skip:  # augmented all the same, so that `rng` is where an unbroken run has it
                continue
            batch, batch_lengths = pad_batch([stored_input(s, run.preprocessing) for s in shown])
            shares = np.where(mixed[chunk], 1.0, run.teacher_weight).astype(np.float32)
            yield batch, labels[picked[chunk]], step_weights(batch_lengths, run.last_weight), shares
        pool_index, skip = pool_index + 1, 0


# --- evaluation during training -----------------------------------------------------------------------
def validation_inputs(sequences, preprocessing):
    """The real validation drawings as the page shows them whole and half drawn."""
    return {
        "val_top1": [stored_input(s, preprocessing) for s in sequences],
        "val_top1_page_half": [page_prefix(s, 0.5, preprocessing) for s in sequences],
    }


def validation_metrics(model, inputs, labels, groups):
    """Top-1 on each of validation_inputs' sets (per drawing, and per category as "<name>_per_category"), and on
    whole drawings per category group (data.category_groups)."""
    metrics = {}
    for name, sequences in inputs.items():
        right = guessed_right(model, sequences, labels)
        metrics[name] = float(right.mean())
        metrics[f"{name}_per_category"] = category_mean(right, labels)
        if name == "val_top1":
            in_group = {group: members[labels] for group, members in groups.items()}
            metrics["val_top1_by_group"] = {g: float(right[m].mean()) for g, m in in_group.items() if m.any()}
    return metrics


# --- the loss -----------------------------------------------------------------------------------------
def teacher_log_probabilities(teacher, inputs, weights, run):
    """The teacher's (B, categories) log-probabilities of each whole drawing, softened by the temperature;
    an empty (B, 0) tensor without a teacher. A drawing's last point is where its weights end."""
    if teacher is None:
        return tf.zeros((tf.shape(inputs)[0], 0))
    last = tf.reduce_sum(tf.cast(weights > 0, tf.int32), axis=1, keepdims=True) - 1
    return tf.nn.log_softmax(teacher.log_probabilities(inputs, last)[:, 0] / run.temperature)


def point_losses(probabilities, labels, teacher_log_p, teacher_shares):
    """(B, T) cross-entropy of every point's output against its target: the true label, or with a teacher
    (1 - share) x label + share x the teacher's view of the whole drawing, share being each drawing's
    teacher share (batches)."""
    log_q = tf.math.log(tf.clip_by_value(probabilities, 1e-7, 1.0))
    label_loss = -tf.gather(log_q, labels, axis=2, batch_dims=1)
    if teacher_log_p.shape[-1] == 0:
        return label_loss
    teacher_loss = -tf.reduce_sum(tf.exp(teacher_log_p)[:, None, :] * log_q, axis=-1)
    share = teacher_shares[:, None]
    return (1 - share) * label_loss + share * teacher_loss


def learning_rate(step, run):
    """Linear warm-up, then cosine decay to 5% of the peak."""
    if step < run.warmup_steps:
        return run.lr * (step + 1) / run.warmup_steps
    progress = (step - run.warmup_steps) / max(1, run.steps - run.warmup_steps)
    return run.lr * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * min(1.0, progress))))


def make_strategy(name):
    """Replicas each take batch_size / replicas drawings of every batch (replica_shares) and the loss is
    divided by the global batch, so a step's gradient, and the learning rate that suits it, are those of one
    device with the same global batch: no scaling of the learning rate with the number of devices.
    multiworker reads the cluster from TF_CONFIG and must be made before any other TensorFlow operation."""
    if name == "mirrored":
        gpus = tf.config.list_logical_devices("GPU")
        return tf.distribute.MirroredStrategy([d.name for d in gpus or tf.config.list_logical_devices("CPU")])
    if name == "multiworker":
        return tf.distribute.MultiWorkerMirroredStrategy()  # reads TF_CONFIG
    return tf.distribute.get_strategy()


def replica_shares(dataset, replicas):
    """The input function for strategy.distribute_datasets_from_function. Every worker reads the same
    deterministic stream of global batches (batches) and gives each of its replicas its share, rows k, k + R,
    k + 2R, ... of every batch to replica k of R: a step sees exactly the global batch one device would, with
    any number of devices and workers, and a resumed run the same data. (Sharding by batch instead, as
    tf.data's auto-sharding does, would give each worker different batches and a larger effective batch.)"""

    def for_worker(context):
        local = replicas // context.num_input_pipelines
        first = context.input_pipeline_id * local

        def shares(*batch):
            return tf.data.Dataset.range(local).map(lambda j: tuple(t[first + j :: replicas] for t in batch))

        return dataset.flat_map(shares)

    return for_worker


def main(argv=None):
    args = parse_args(argv)
    run = RunConfig.from_args(args, QUICK_MODEL_CONFIG if args.quick else MODEL_CONFIG, PREPROCESSING)
    if args.threads:
        tf.config.threading.set_intra_op_parallelism_threads(args.threads)
        tf.config.threading.set_inter_op_parallelism_threads(args.threads)
    if args.cpu_devices > 1:
        cpu = tf.config.list_physical_devices("CPU")[0]
        tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * args.cpu_devices)
    strategy = make_strategy(args.distribute)
    args.out.mkdir(parents=True, exist_ok=True)

    latest = tf.train.latest_checkpoint(args.out / "checkpoints")
    saved = json.loads(tf.train.load_variable(latest, RECORD_KEY)) if latest else None
    try:
        # A resumed run must go on as it began; then the teacher: a bad file stops the run before any data
        # work, never silently.
        if saved:
            saved_run, details = read_run(saved["run"], latest)
            changed = saved_run.differences(run)
            if changed:
                raise RunConfigError(
                    f"{args.out} holds a run with other settings ({'; '.join(changed)}): "
                    "repeat its command to resume it, or give a new --out"
                )
        teacher = Teacher(Path(run.teacher)) if run.teacher else None
        left_out = category_indices(run.leave_out)
        builder = prepare(args, run.preprocessing)
        if saved and details["dataset"] != builder.info.full_name:
            raise RunConfigError(
                f"{args.out} was trained on {details['dataset']}, but its flags and data now make "
                f"{builder.info.full_name}: give a new --out"
            )
    except (RunConfigError, TeacherError, NoDataError, ValueError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"loading {builder.info.full_name} ...", flush=True)
    train_x, train_y, train_synthetic = load_split(builder, "train")
    val_x, val_y, _ = load_split(builder, "validation", real_only=True)
    if left_out:
        train_x, train_y, train_synthetic = without_categories(left_out, train_x, train_y, train_synthetic)
        val_x, val_y = without_categories(left_out, val_x, val_y)
    val_inputs = validation_inputs(val_x, run.preprocessing)
    groups = category_groups(Counter(zip((CATEGORIES[label] for label in train_y), train_synthetic.tolist())))
    probabilities = sampling_weights(train_y, train_synthetic, run.category_power, run.real_boost)
    counts = {
        "train_real": int((~train_synthetic).sum()),
        "train_synthetic": int(train_synthetic.sum()),
        "validation_real": len(val_y),
        "categories_with_data": int(len(np.unique(train_y))),
    }
    print(
        f"train: {counts['train_real']} real + {counts['train_synthetic']} synthetic; "
        f"validation: {counts['validation_real']} real",
        flush=True,
    )

    print(f"training on {strategy.num_replicas_in_sync} replica(s) ({type(strategy).__name__})", flush=True)
    tf.keras.utils.set_random_seed(run.seed)  # after the strategy, which draws random numbers of its own
    with strategy.scope():
        model = build_model(len(CATEGORIES), run.model)
        optimizer = keras.optimizers.Adam(learning_rate=run.lr, global_clipnorm=run.clipnorm)
    step = tf.Variable(0, dtype=tf.int64, trainable=False)  # the loop's own count, not a replicated variable
    record = tf.Variable("", dtype=tf.string, trainable=False)  # JSON: the run, its best score, its history
    checkpoint = tf.train.Checkpoint(model=model, optimizer=optimizer, step=step, record=record)
    manager = tf.train.CheckpointManager(checkpoint, args.out / "checkpoints", max_to_keep=2)
    document = run_document(run, builder.info.full_name, counts)
    # The best weights are chosen by the per-category mean: each category counts once, as for a person drawing.
    best, history = (saved["best"], saved["history"]) if saved else (-1.0, {"train": [], "validation": []})
    if latest:
        checkpoint.restore(latest)
        print(f"resumed from {latest} at step {int(step)}", flush=True)

    def save():
        """One checkpoint with the whole state, and the readable copies of its record."""
        record.assign(json.dumps({"run": document, "best": best, "history": history}))
        manager.save()
        (args.out / "run.json").write_text(json.dumps(document, indent=2) + "\n")
        (args.out / "history.json").write_text(json.dumps(history))

    def replica_step(inputs, labels, weights, teacher_shares, teacher_log_p, lr):
        with tf.GradientTape() as tape:
            probabilities = model(inputs, training=True)
            per_point = point_losses(probabilities, labels, teacher_log_p, teacher_shares)
            # Divided by the global batch, so replicas' gradients add up to the batch mean.
            loss = tf.reduce_sum(per_point * weights) / run.batch_size
        optimizer.learning_rate.assign(lr)
        gradients = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(gradients, model.trainable_variables))
        return loss

    @tf.function(reduce_retracing=True)
    def train_step(inputs, labels, weights, teacher_shares, teacher_log_p, lr):
        per_replica = strategy.run(replica_step, args=(inputs, labels, weights, teacher_shares, teacher_log_p, lr))
        return strategy.reduce(tf.distribute.ReduceOp.SUM, per_replica, axis=None)

    start = int(step)
    # Batches are made, and labelled by the teacher, in tf.data threads while the previous step trains.
    dataset = tf.data.Dataset.from_generator(
        lambda: batches(train_x, train_y, probabilities, run, first_batch=start),
        output_signature=(
            tf.TensorSpec((None, None, 3), tf.float32),
            tf.TensorSpec((None,), tf.int32),
            tf.TensorSpec((None, None), tf.float32),
            tf.TensorSpec((None,), tf.float32),
        ),
    )
    dataset = dataset.map(lambda x, y, w, s: (x, y, w, s, teacher_log_probabilities(teacher, x, w, run)))
    dataset = dataset.prefetch(4)
    stream = iter(strategy.distribute_datasets_from_function(replica_shares(dataset, strategy.num_replicas_in_sync)))
    last_save = time.time()
    running = []
    stop = min(args.pause_at or run.steps, run.steps)
    progress = tqdm(
        range(start, stop),
        initial=start,
        total=run.steps,
        desc="train",
        unit="step",
        dynamic_ncols=True,
        mininterval=2.0,
    )
    began = time.time()
    validating = 0.0  # seconds spent on validation, left out of the training throughput
    for i in progress:
        loss = float(train_step(*next(stream), tf.constant(learning_rate(i, run), tf.float32)))
        step.assign(i + 1)
        running.append(loss)
        if (i + 1) % 50 == 0:
            history["train"].append({"step": i + 1, "loss": float(np.mean(running)), "lr": learning_rate(i, run)})
            progress.set_postfix(loss=f"{np.mean(running):.3f}")
            running = []
        if (i + 1) % run.eval_every == 0 or i + 1 == run.steps:
            validation_began = time.time()
            metrics = validation_metrics(model, val_inputs, val_y, groups)
            validating += time.time() - validation_began
            history["validation"].append({"step": i + 1, "elapsed_s": round(time.time() - began, 1), **metrics})
            by_group = ", ".join(f"{g} {v:.3f}" for g, v in metrics["val_top1_by_group"].items())
            progress.write(
                f"step {i + 1}: validation top-1 per category {metrics['val_top1_per_category']:.3f}, "
                f"per drawing {metrics['val_top1']:.3f} ({by_group}), first half per category "
                f"{metrics['val_top1_page_half_per_category']:.3f}, per drawing {metrics['val_top1_page_half']:.3f}"
            )
            if metrics[BEST_BY] > best:
                best = metrics[BEST_BY]
                model.save_weights(args.out / "best.h5")
            save()  # at once, so the record's best score is the one best.h5 holds
            last_save = time.time()
        elif time.time() - last_save > 60 * args.checkpoint_minutes or i + 1 == stop:
            save()
            last_save = time.time()
    elapsed = time.time() - began
    done = max(0, stop - start)
    if done:
        rate = done * run.batch_size / (elapsed - validating)
        print(
            f"trained {done} steps in {elapsed / 60:.1f} min ({validating / 60:.1f} of them validating): "
            f"{rate:.0f} drawings/s while training",
            flush=True,
        )
        history.setdefault("throughput", []).append(
            {
                "steps": done,
                "seconds": elapsed,
                "validation_seconds": round(validating, 1),
                "drawings_per_second": rate,
                "threads": os.cpu_count(),
            }
        )
        save()
    if stop < run.steps:
        print(f"paused at step {stop} of {run.steps}: run the same command without --pause-at to go on")
    print(f"best validation top-1 per category {best:.3f}; weights in {args.out / 'best.h5'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
