"""An office's folder of Word files, read and indexed as staff would point the assistant at it.

    python bench/library.py [--files 1000] [--source ../shared/real-library] [--convert-only]

1. LibreOffice conversion throughput: every `.doc` (and `.xls`) of the source library converted with a cold cache,
   in the batches the build uses (files/s).
2. A folder of N files nested by date, built with `python -m assistant build` in a new process, its progress and ETA
   lines shown as they come: the source library's files as published (.doc, .docx, .xls, .pdf, odd names,
   copies), then, to reach N, copies of its `.docx` files each with a paragraph of its own appended (python-docx),
   so each is a document of its own, not a duplicate. Prints files/s, clause parts/s, and what was not indexed.
Everything goes to a temporary folder; the project's index and cache are untouched.
"""
from __future__ import annotations

import argparse
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.ingest.convert import SHEET_SUFFIXES, WORD_SUFFIXES, convert_ahead  # noqa: E402


def conversion_throughput(source: Path, cache: Path) -> tuple[int, float]:
    legacy = [p for p in sorted(source.rglob("*")) if p.is_file() and p.suffix.lower() in (*WORD_SUFFIXES, *SHEET_SUFFIXES)]
    os.environ["PLAN_CACHE"] = str(cache)
    started = time.perf_counter()
    convert_ahead([(p, p.suffix.lower()) for p in legacy])
    return len(legacy), time.perf_counter() - started


def make_folder(source: Path, target: Path, files: int) -> int:
    """The source library as it lies, then distinct .docx copies up to `files`; the number of files written."""
    from docx import Document

    originals = [p for p in sorted(source.rglob("*")) if p.is_file() and p.name.lower() != "readme.md"]
    for p in originals:
        dest = target / p.relative_to(source)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(p, dest)
    written = len(originals)
    docx = [p for p in originals if p.suffix.lower() == ".docx"]
    copy = 0
    while written < files and docx:
        original = docx[copy % len(docx)]
        try:
            document = Document(io.BytesIO(original.read_bytes()))
        except Exception:  # noqa: BLE001 - a .docx python-docx cannot open (read through LibreOffice by the build)
            docx.remove(original)
            continue
        document.add_paragraph(f"（本文件为第{copy + 1}份存档副本，存于副本库。）")
        dest = target / "副本库" / f"{copy // 100:02d}" / f"{copy:04d}-{original.name}"
        dest.parent.mkdir(parents=True, exist_ok=True)
        document.save(dest)
        copy += 1
        written += 1
    return written


def cold_cache(folder: Path) -> Path:
    """A cache folder with the prepared model of the real one (linked) but no conversions: the build converts every
    legacy file, as on an office's first build, without preparing the model again."""
    from assistant.config import Config

    real = Config.from_env().cache_dir
    folder.mkdir(parents=True, exist_ok=True)
    for entry in real.iterdir() if real.is_dir() else ():
        if entry.name not in ("converted", "eval-index") and not (folder / entry.name).exists():
            (folder / entry.name).symlink_to(entry)
    return folder


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--source", type=Path, default=ROOT.parent / "shared" / "real-library")
    parser.add_argument("--convert-only", action="store_true", help="only the LibreOffice conversion throughput")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-library-") as tmp:
        tmp = Path(tmp)
        converted, seconds = conversion_throughput(args.source, tmp / "cold-cache")
        print(f"LibreOffice conversion, cold cache: {converted} .doc/.xls files in {seconds:.1f} s = "
              f"{converted / seconds:.2f} files/s", flush=True)
        if args.convert_only:
            return 0
        written = make_folder(args.source, tmp / "library", args.files)
        print(f"folder: {written} files under {tmp / 'library'}", flush=True)
        env = {**os.environ, "PYTHONPATH": str(ROOT), "PLAN_CACHE": str(cold_cache(tmp / "cache"))}
        started = time.perf_counter()
        build = subprocess.Popen([sys.executable, "-m", "assistant", "build", "--corpus", str(tmp / "library"),
                                  "--index", str(tmp / "index"), "--niceness", "0"],
                                 cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        not_indexed: dict[str, int] = {}
        for line in build.stderr:  # progress and ETA as the build prints them; the per-file list counted
            kind = re.match(r"\s+(unreadable|duplicate|passed over)\s", line)
            if kind:
                not_indexed[kind.group(1)] = not_indexed.get(kind.group(1), 0) + 1
            elif "passage/s" not in line:
                print("  " + line.rstrip(), flush=True)
        out = build.stdout.read()
        build.wait()
        elapsed = time.perf_counter() - started
        print(out.strip())
        parts = re.search(r"(\d+) clause parts from (\d+) files", out)
        print(f"build: {written} files in {elapsed:.0f} s = {written / elapsed:.2f} files/s"
              + (f"; {parts.group(2)} indexed, {int(parts.group(1)) / elapsed:.1f} clause parts/s" if parts else "")
              + f"; not indexed: {not_indexed or 'none'}; exit {build.returncode}")
        return build.returncode


if __name__ == "__main__":
    raise SystemExit(main())
