"""The learn pages: nine questions on RNNs from the book's exercises and one on Inkling's own categories, each
answered with Inkling as the worked example."""

import ast

from flask import Blueprint, abort, current_app, render_template
from markupsafe import Markup, escape

from model_training.core.config import PROJECT_ROOT
from model_training.core.own_categories import THRESHOLD
from webapp.page_cache import shared

bp = Blueprint("learn", __name__, url_prefix="/learn")

QUESTIONS = [
    (
        "seq2seq-seq2vec-vec2seq",
        "Sequence-to-sequence, sequence-to-vector, vector-to-sequence",
        "Can you think of a few applications for a sequence-to-sequence RNN? What about a sequence-to-vector "
        "RNN, and a vector-to-sequence RNN?",
    ),
    (
        "input-dimensions",
        "The shape of an RNN's inputs and outputs",
        "How many dimensions must the inputs of an RNN layer have? What does each dimension represent? "
        "What about its outputs?",
    ),
    (
        "return-sequences",
        "Which layers return sequences?",
        "If you want to build a deep sequence-to-sequence RNN, which RNN layers should have "
        "return_sequences=True? What about a sequence-to-vector RNN?",
    ),
    (
        "forecasting-a-week",
        "Forecasting the next seven days",
        "Suppose you have a daily univariate time series, and you want to forecast the next seven days. "
        "Which RNN architecture should you use?",
    ),
    (
        "training-difficulties",
        "What makes RNNs hard to train",
        "What are the main difficulties when training RNNs? How can you handle them?",
    ),
    ("lstm-cell", "Inside the LSTM cell", "Can you sketch the LSTM cell's architecture?"),
    ("conv1d-in-rnns", "1D convolutions in an RNN", "Why would you want to use 1D convolutional layers in an RNN?"),
    ("classifying-videos", "Classifying videos", "Which neural network architecture could you use to classify videos?"),
    (
        "sketchrnn-classifier",
        "A classifier for the SketchRNN dataset",
        "Train a classification model for the SketchRNN dataset, available in TensorFlow Datasets.",
    ),
    (
        "state-as-representation",
        "The state as a representation",
        "Why can a recurrent network's state serve as a representation of what it has read, good enough to learn "
        "a new category from three examples?",
    ),
]
PAGES = [
    {"number": i + 1, "slug": slug, "title": title, "question": question}
    for i, (slug, title, question) in enumerate(QUESTIONS)
]


def source_of(relative_path, name=None):
    """The project's own code, read from its file at render time so the page never drifts from it:
    one top-level function or class, or the whole file."""
    text = (PROJECT_ROOT / relative_path).read_text()
    if name is None:
        return text
    if relative_path.endswith(".py"):
        for node in ast.parse(text).body:
            if getattr(node, "name", None) == name:
                return ast.get_source_segment(text, node, padded=True)
    else:  # JavaScript: a method or function, from its first line to the brace at its indentation
        lines = text.splitlines()
        for i, line in enumerate(lines):
            stripped = line.lstrip()
            if stripped.startswith((f"{name}(", f"function {name}(", f"export function {name}(")):
                indent = line[: len(line) - len(stripped)]
                end = next(j for j in range(i + 1, len(lines)) if lines[j] == indent + "}")
                return "\n".join(lines[i : end + 1])
    raise LookupError(f"{name} not found in {relative_path}")


@bp.app_template_global()
def code_from(relative_path, name=None):
    caption = f"{relative_path}" + (f" — {name}" if name else "")
    # A long line scrolls inside the listing, so the listing takes the keyboard focus too (tabindex).
    return Markup(
        '<figure class="code"><figcaption>{}</figcaption><pre tabindex="0"><code>{}</code></pre></figure>'
    ).format(caption, escape(source_of(relative_path, name)))


@bp.app_context_processor
def learn_navigation():
    return {"learn_pages": PAGES}


@bp.get("/")
@shared
def index():
    return render_template("learn/index.html")


@bp.get("/<slug>")
@shared
def page(slug):
    for i, entry in enumerate(PAGES):
        if entry["slug"] == slug:
            previous = PAGES[i - 1] if i > 0 else None
            following = PAGES[i + 1] if i + 1 < len(PAGES) else None
            predictor = current_app.extensions["predictor"]
            return render_template(
                f"learn/{slug}.html",  # each page's template is named by its slug, whatever its place
                page=entry,
                previous=previous,
                following=following,
                metadata=predictor.metadata,
                metrics=predictor.metrics,
                layers=predictor.layers,
                # The plots belong to the model they were drawn for: listed in its metrics, or none.
                has_curves="training_curves.png" in (predictor.metrics or {}).get("plots", []),
                own_threshold=THRESHOLD,
            )
    abort(404)
