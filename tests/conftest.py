import gzip
import json
from pathlib import Path

import pytest

from model_training.config import default_quickdraw_dir


@pytest.fixture(scope="session")
def quickdraw_dir():
    """The shared Quick, Draw! folder; tests that need real drawings skip where it is absent."""
    folder = default_quickdraw_dir()
    if folder is None or not Path(folder).is_dir():
        pytest.skip("Quick, Draw! data not found: set INKLING_QUICKDRAW_DIR or place ../shared/data/quickdraw")
    return Path(folder)


def read_records(path, limit=None):
    records = []
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            records.append(json.loads(line))
            if limit and len(records) >= limit:
                break
    return records
