"""Fetches what training reads from where it is published: the official Quick, Draw! ndjson files, and the
teacher from its public release. Parallel, resumable (an interrupted file goes on from where it stopped),
verified, and idempotent (a file already fetched and verified is not fetched again).

    python -m model_training.download quickdraw --out DIR [--categories cat,dog] [--formats simplified,raw]
    python -m model_training.download teacher --out DIR

`quickdraw` writes DIR/simplified/<category>.ndjson and DIR/raw/<category>.ndjson, the layout that
`--source DIR` reads (about 25 GB simplified and 175 GB raw for all 50 million drawings, at the 490 and
3,500 bytes a real drawing takes in each format). Each file is checked
against the MD5 the server states for it (Google Cloud Storage's x-goog-hash) and its length. `teacher`
writes DIR/doodlenet.h5, checked against the sha256 that the shipped model's metadata.json records for its
teacher, and DIR/class_names.txt; train then takes `--teacher DIR/doodlenet.h5`.
"""

import argparse
import base64
import hashlib
import http.client
import json
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tqdm import tqdm

from model_training.core.config import CATEGORIES, QUICKDRAW_BASE_URL, TEACHER_RELEASE

FORMATS = ("simplified", "raw")
CHUNK = 1 << 20
VERIFIED = ".verified.json"  # per folder: {file name: {"bytes": n, "md5": base64}} of files checked whole
_records_lock = threading.RLock()  # the record of a folder: read and written by one thread at a time


class DownloadError(RuntimeError):
    """A file could not be fetched or is not what its source says; the message says which and why."""


def stated_md5(headers):
    """The base64 MD5 a Google Cloud Storage answer states for its object (x-goog-hash), or None."""
    for part in ",".join(headers.get_all("x-goog-hash") or []).split(","):
        kind, _, value = part.strip().partition("=")
        if kind == "md5":
            return value
    return None


def digest_of(path, algorithm):
    digest = hashlib.new(algorithm)
    with open(path, "rb") as f:
        while block := f.read(CHUNK):
            digest.update(block)
    return digest


def fetch(url, target, progress, sha256=None):
    """Fetch `url` into `target`, resuming a `target`.part left by an interrupted run; check its length, the
    MD5 the server states and, if given, `sha256`. Skips a file that a run before verified and the server
    still describes the same way. Raises DownloadError."""
    target = Path(target)
    partial = target.with_name(target.name + ".part")
    record_path = target.parent / VERIFIED
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method="HEAD"), timeout=60) as answer:
            size, md5 = int(answer.headers["Content-Length"]), stated_md5(answer.headers)
    except urllib.error.HTTPError as error:
        raise DownloadError(f"{url}: {error.code} {error.reason}") from None
    except (OSError, ValueError, TypeError) as error:
        raise DownloadError(f"{url}: {error}") from None
    if target.is_file() and verified(record_path).get(target.name) == {"bytes": size, "md5": md5}:
        progress.update(size)
        return
    have = partial.stat().st_size if partial.is_file() else 0
    if have > size:
        partial.unlink()
        have = 0
    progress.update(have)
    if have < size:
        request = urllib.request.Request(url, headers={"Range": f"bytes={have}-"} if have else {})
        try:
            with urllib.request.urlopen(request, timeout=60) as answer, open(partial, "ab") as out:
                if have and answer.status != 206:  # the server sent the whole file: start again
                    progress.update(-have)
                    out.truncate(0)
                while block := answer.read(CHUNK):
                    out.write(block)
                    progress.update(len(block))
        except urllib.error.HTTPError as error:
            raise DownloadError(f"{url}: {error.code} {error.reason}") from None
        except (OSError, http.client.HTTPException) as error:
            raise DownloadError(f"{url}: interrupted ({error!r}); run the same command again to resume") from None
    got = partial.stat().st_size
    if got != size:
        raise DownloadError(f"{url}: {got} bytes arrived of {size}; run the same command again to resume")
    if md5 and base64.b64encode(digest_of(partial, "md5").digest()).decode() != md5:
        partial.unlink()
        raise DownloadError(f"{url}: the file is corrupt (its MD5 is not the one the server states); removed")
    if sha256 and digest_of(partial, "sha256").hexdigest() != sha256:
        partial.unlink()
        raise DownloadError(f"{url}: the file is not the published one (sha256 differs); removed")
    partial.replace(target)
    with _records_lock:  # files of one folder finish in parallel: read the record again, then add to it
        records = verified(record_path)
        records[target.name] = {"bytes": size, "md5": md5}
        written = record_path.with_name(VERIFIED + ".part")
        written.write_text(json.dumps(records, indent=1, sort_keys=True))
        written.replace(record_path)  # whole or not at all, should the command be stopped here


def verified(record_path):
    """{file name: {"bytes", "md5"}} of the files of a folder fetched and checked whole."""
    with _records_lock:
        return json.loads(record_path.read_text()) if record_path.is_file() else {}


def fetch_all(jobs, parallel):
    """[(url, target, sha256)] fetched `parallel` at a time under one progress bar; returns the errors."""
    errors = []
    with tqdm(unit="B", unit_scale=True, unit_divisor=1024, desc="download") as progress:

        def one(job):
            url, target, sha256 = job
            try:
                fetch(url, target, progress, sha256)
            except DownloadError as error:
                errors.append(str(error))

        with ThreadPoolExecutor(max_workers=parallel) as pool:
            list(pool.map(one, jobs))
    return sorted(errors)


def quickdraw_jobs(base_url, out, categories, formats):
    jobs = []
    for kind in formats:
        (out / kind).mkdir(parents=True, exist_ok=True)
        for category in categories:
            url = f"{base_url.rstrip('/')}/{kind}/{urllib.parse.quote(category)}.ndjson"
            jobs.append((url, out / kind / f"{category}.ndjson", None))
    return jobs


def teacher_jobs(base_url, out):
    out.mkdir(parents=True, exist_ok=True)
    base = base_url.rstrip("/")
    return [
        (f"{base}/{TEACHER_RELEASE['model']}", out / "doodlenet.h5", TEACHER_RELEASE["sha256"]),
        (f"{base}/{TEACHER_RELEASE['class_names']}", out / "class_names.txt", None),
    ]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    what = parser.add_subparsers(dest="what", required=True)
    quickdraw = what.add_parser("quickdraw", help="the official ndjson files")
    quickdraw.add_argument("--out", type=Path, required=True, help="the folder that --source will name")
    quickdraw.add_argument("--categories", default="", help="comma-separated (default: all 345)")
    quickdraw.add_argument("--formats", default="simplified,raw", help="simplified, raw or both")
    quickdraw.add_argument("--base-url", default=QUICKDRAW_BASE_URL)
    teacher = what.add_parser("teacher", help="the teacher, from its public release")
    teacher.add_argument("--out", type=Path, required=True)
    teacher.add_argument("--base-url", default=TEACHER_RELEASE["base_url"])
    for command in (quickdraw, teacher):
        command.add_argument("--parallel", type=int, default=4, help="files fetched at once")
    args = parser.parse_args(argv)

    if args.what == "quickdraw":
        categories = [c.strip() for c in args.categories.split(",") if c.strip()] or CATEGORIES
        unknown = sorted(set(categories) - set(CATEGORIES))
        formats = [f.strip() for f in args.formats.split(",") if f.strip()]
        if unknown:
            parser.error(f"not Quick, Draw! categories: {', '.join(unknown)} (model_training/core/categories.txt)")
        if not formats or set(formats) - set(FORMATS):
            parser.error(f"--formats: one or both of {', '.join(FORMATS)}")
        jobs = quickdraw_jobs(args.base_url, args.out, categories, formats)
    else:
        jobs = teacher_jobs(args.base_url, args.out)
    errors = fetch_all(jobs, args.parallel)
    for error in errors:
        print(f"error: {error}", file=sys.stderr)
    print(f"{len(jobs) - len(errors)} of {len(jobs)} files in {args.out}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
