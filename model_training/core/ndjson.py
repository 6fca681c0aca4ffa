"""Quick, Draw!'s ndjson files (one JSON record a line, gzip-compressed or not), read as they are or checked."""

import gzip
import json

from model_training.core.drawing_checks import DrawingError, validate_drawing


def ndjson_lines(path):
    """The lines of one Quick, Draw! .ndjson or .ndjson.gz file, in order."""
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as lines:
        yield from lines


def read_ndjson(path, limit=None):
    """The records of one .ndjson[.gz] file as dicts, at most `limit` of them, as they are (unchecked)."""
    records = []
    for line in ndjson_lines(path):
        if limit is not None and len(records) >= limit:
            break
        records.append(json.loads(line))
    return records


def parse_ndjson_line(line):
    """One official ndjson record (simplified or raw) -> dict with validated `drawing`."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        raise DrawingError(f"not valid JSON ({error.msg})") from None
    if not isinstance(record, dict):
        raise DrawingError("a record must be a JSON object")
    if "word" not in record or not isinstance(record["word"], str):
        raise DrawingError("record has no 'word'")
    record["drawing"] = validate_drawing(record.get("drawing"))
    return record
