"""Legacy and foreign office formats, through one conversion step: LibreOffice in headless mode.

Word 97–2003 (.doc), WPS (.wps), RTF, OpenDocument text, and a .docx python-docx cannot open (a broken
relationship part, as real files come) are converted to .docx and read by `DocxReader`, so their
automatic numbering, tables and metadata come out exactly as a Word file's do. Spreadsheets (.xls, .xlsx,
WPS's .et, .ods) are converted to HTML and each sheet row read as one line naming its column headers.

Why LibreOffice: it is the one maintained reader of all of these (antiword reads only .doc and drops
Word's list numbering; catdoc likewise), and offices use it to make their PDFs. Measured on
../shared/real-library: ~1 s to start, ~0.15 s a file after that, so files are converted in batches
(`convert_ahead`) and each conversion is kept in the cache folder by the file's sha256: a rebuild, or the
upload check followed by the build, converts a file once.

One conversion runs at a time, across processes too (a lock file beside the profile), with its own
profile folder in the cache (a user's running LibreOffice would otherwise hold the profile lock), and a
timeout after which the whole process group is killed.
"""
from __future__ import annotations

import fcntl
import hashlib
import os
import re
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path
from typing import ClassVar, Iterable

from assistant.ingest.base import CorpusError, Extracted

WORD_SUFFIXES = (".doc", ".dot", ".wps", ".wpt", ".rtf", ".odt")
SHEET_SUFFIXES = (".xls", ".xlsx", ".et", ".ods")
SLIDE_SUFFIXES = (".ppt", ".pps", ".dps", ".odp")  # PowerPoint 97–2003, WPS 演示, OpenDocument: to .pptx
TIMEOUT_S = 120
BATCH = 24


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def cache_dir() -> Path:
    """The conversion cache: beside the model and the parsed dictionary (`PLAN_CACHE`, as Config reads it)."""
    base = os.environ.get("PLAN_CACHE")
    return (Path(base).expanduser() if base else Path.home() / ".cache" / "plan-assistant") / "converted"


def _target(suffix: str) -> str:
    return "html" if suffix in SHEET_SUFFIXES else "pptx" if suffix in SLIDE_SUFFIXES else "docx"


def _cached(data: bytes, target: str) -> Path:
    return cache_dir() / f"{hashlib.sha256(data).hexdigest()}.{target}"


def converted(name: str, data: bytes, suffix: str) -> bytes:
    """`data` (a file of format `suffix`) converted to .docx, .html or .pptx; CorpusError naming the file when it cannot be."""
    target = _target(suffix)
    path = _cached(data, target)
    if not path.exists():
        _run_batch([(f"file{suffix}", data)], target)
    if not path.exists():
        raise CorpusError(f"{name}: LibreOffice could not convert it (damaged, password-protected, or not really "
                          f"a {suffix} file)")
    return path.read_bytes()


def convert_ahead(files: Iterable[tuple[Path, str]]) -> None:
    """Convert, in batches (one LibreOffice start for many files), those of `files` ((path, suffix)) not yet
    in the cache; failures are left for `converted` to report file by file."""
    pending: dict[str, list[tuple[str, bytes]]] = {}
    for path, suffix in files:
        try:
            data = path.read_bytes()
        except OSError:
            continue
        target = _target(suffix)
        if not _cached(data, target).exists():
            pending.setdefault(target, []).append((f"file{suffix}", data))
    for target, batch in pending.items():
        for at in range(0, len(batch), BATCH):
            _run_batch(batch[at:at + BATCH], target)


def _run_batch(batch: list[tuple[str, bytes]], target: str) -> None:
    program = soffice()
    if program is None:
        raise CorpusError("reading this format needs LibreOffice (Debian: apt install libreoffice-writer-nogui "
                          "libreoffice-calc-nogui libreoffice-impress-nogui), which is not installed")
    cache = cache_dir()
    cache.mkdir(parents=True, exist_ok=True)
    with open(cache / ".lock", "w") as lock, tempfile.TemporaryDirectory(prefix="convert-", dir=cache) as work:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one LibreOffice at a time, across processes (2 cores, ~300 MB each)
        inputs = []
        for i, (name, data) in enumerate(batch):
            digest = hashlib.sha256(data).hexdigest()
            if _cached(data, target).exists():
                continue
            source = Path(work) / f"{i:03d}-{digest[:16]}{Path(name).suffix}"
            source.write_bytes(data)
            inputs.append((source, digest))
        if not inputs:
            return
        out = Path(work) / "out"
        filter_name = {"html": "html:HTML (StarCalc)", "pptx": "pptx:Impress MS PowerPoint 2007 XML"}.get(
            target, "docx:MS Word 2007 XML")
        command = [program, "--headless", "--norestore", "--nolockcheck",
                   f"-env:UserInstallation={(cache / 'lo-profile').as_uri()}",
                   "--convert-to", filter_name, "--outdir", str(out), *[str(s) for s, _ in inputs]]
        _run(command, timeout=TIMEOUT_S + 10 * len(inputs))
        for source, digest in inputs:
            made = out / (source.stem + "." + target)
            if made.exists() and made.stat().st_size:
                os.replace(made, cache / f"{digest}.{target}")


def _run(command: list[str], timeout: float) -> None:
    """Run LibreOffice; on timeout kill its whole process group (soffice.bin outlives the wrapper otherwise)."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True, env={**os.environ, "SAL_USE_VCLPLUGIN": "svp"})
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


class WordReader:
    """.doc, .wps, .rtf, .odt: converted to .docx, then read as Word files are."""

    suffixes: ClassVar[tuple[str, ...]] = WORD_SUFFIXES

    def extract(self, name: str, data: bytes) -> Extracted:
        from assistant.ingest.docx import DocxReader

        suffix = Path(name).suffix.lower() if Path(name).suffix.lower() in WORD_SUFFIXES else ".doc"
        return DocxReader().extract(name, converted(name, data, suffix))


class SlidesReader:
    """.ppt, .pps, WPS 演示 .dps, .odp: converted to .pptx (LibreOffice Impress), then read as .pptx files are."""

    suffixes: ClassVar[tuple[str, ...]] = SLIDE_SUFFIXES

    def extract(self, name: str, data: bytes) -> Extracted:
        from assistant.ingest.pptx import PptxReader

        suffix = Path(name).suffix.lower() if Path(name).suffix.lower() in SLIDE_SUFFIXES else ".ppt"
        return PptxReader().extract(name, converted(name, data, suffix))


class SheetReader:
    """Spreadsheets: each sheet's rows as lines 'header：cell；header：cell', the sheet's name above them."""

    suffixes: ClassVar[tuple[str, ...]] = SHEET_SUFFIXES

    def extract(self, name: str, data: bytes) -> Extracted:
        from lxml import html as lxml_html

        suffix = Path(name).suffix.lower() if Path(name).suffix.lower() in SHEET_SUFFIXES else ".xls"
        page = lxml_html.fromstring(converted(name, data, suffix))
        lines: list[str] = []
        for heading, table in _sheets(page):
            rows = [[_cell_text(c) for c in tr.iter("td", "th")] for tr in table.iter("tr")]
            rows = [r for r in rows if any(r)]
            if not rows:
                continue
            lines += ["", heading] if heading else [""]
            lines += sheet_lines(rows)
        if not any(line.strip() for line in lines):
            raise CorpusError(f"{name}: the spreadsheet has no text in any cell; nothing to cite")
        return Extracted("\n".join(lines).strip("\n") + "\n")


def _sheets(page):
    """(sheet name, its table) in order: LibreOffice writes each sheet as an <h1> naming it, then a table."""
    heading = ""
    for element in page.iter("h1", "table"):
        if element.tag == "h1":
            heading = _cell_text(element)
            heading = re.sub(r"^(Sheet|工作表)\s*\d+\s*[:：]\s*", "", heading).strip()
        else:
            yield heading, element
            heading = ""


def _cell_text(cell) -> str:
    return re.sub(r"\s+", " ", cell.text_content()).strip()


def sheet_lines(rows: list[list[str]]) -> list[str]:
    """One line per data row naming its column headers: the first row with two or more filled cells is the
    header; a title row above it (one filled cell) stands alone; a row filling one cell stands as it is."""
    header_at = next((i for i, r in enumerate(rows) if sum(bool(c) for c in r) >= 2), None)
    if header_at is None:
        return [c for r in rows for c in r if c]
    lines = [c for r in rows[:header_at] for c in r if c]
    header = rows[header_at]
    lines.append("；".join(c for c in header if c))
    for row in rows[header_at + 1:]:
        filled = [(header[i] if i < len(header) else "", c) for i, c in enumerate(row) if c]
        if len(filled) == 1:
            lines.append(filled[0][1])
        else:
            lines.append("；".join(f"{h}：{c}" if h else c for h, c in filled))
    return lines
