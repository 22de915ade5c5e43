"""Zip members are read with a running cap: a member whose zip entry declares a few KB but whose data
unpacks to hundreds of MB is refused without that much memory ever being taken (measured in a child
process: its peak resident size while the reader refuses the file)."""
from __future__ import annotations

import io
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
UNPACKS_TO = 300 * 2**20  # what the lying member really holds
PEAK_ALLOWED_MB = 120  # above the reader's own start-up memory


def lying_zip(real: bytes, lie_about: str) -> bytes:
    """`real`'s zip with member `lie_about` replaced by a deflate stream of 300 MB of spaces whose entry
    declares 2 KB (and the CRC of 2 KB of spaces): packed 1:150 by what it declares, no bomb by its sizes."""
    squeezer = zlib.compressobj(9, zlib.DEFLATED, -15)
    bomb = b"".join(squeezer.compress(b" " * 2**20) for _ in range(UNPACKS_TO // 2**20)) + squeezer.flush()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(real)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename == lie_about:  # stored as it is, then relabelled as deflated below
                target.writestr(zipfile.ZipInfo(info.filename, info.date_time), bomb, zipfile.ZIP_STORED)
            else:
                target.writestr(info, source.read(info))
    data = bytearray(out.getvalue())
    declared = (8).to_bytes(2, "little"), zlib.crc32(b" " * 2048).to_bytes(4, "little"), (2048).to_bytes(4, "little")
    name = lie_about.encode()
    for signature, method_at, crc_at, size_at in ((b"PK\x03\x04", 8, 14, 22), (b"PK\x01\x02", 10, 16, 24)):
        at = 0
        while True:
            at = data.index(signature, at)
            name_at = at + (30 if signature == b"PK\x03\x04" else 46)
            if data[name_at:name_at + len(name)] == name:
                break
            at += 4
        data[at + method_at:at + method_at + 2], data[at + crc_at:at + crc_at + 4] = declared[0], declared[1]
        data[at + size_at:at + size_at + 4] = declared[2]
    return bytes(data)


def peak_mb_reading(suffix: str, data: bytes, tmp_path: Path) -> tuple[float, str]:
    path = tmp_path / f"liar{suffix}"
    path.write_bytes(data)
    script = ("import resource, sys\n"
              "from assistant.ingest import extract\n"
              "from assistant.ingest.base import CorpusError\n"
              "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
              f"data = open({str(path)!r}, 'rb').read()\n"
              "try:\n"
              f"    extract({path.name!r}, data)\n"
              "    said = 'read'\n"
              "except CorpusError as exc:\n"
              "    said = str(exc)\n"
              "peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
              "print((peak - before) / 1024, said, sep='\\t')\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=300,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr[-2000:]
    grown, said = done.stdout.strip().split("\t", 1)
    return float(grown), said


def docx_bytes() -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("一、总体要求")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def pptx_bytes() -> bytes:
    from pptx import Presentation

    deck = Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[1])
    slide.shapes.title.text = "一、总体要求"
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def ofd_bytes() -> bytes:
    return (ROOT / "tests" / "fixtures" / "real-ofd" / "关于同意张阿三同志辞职的批复.ofd").read_bytes()


@pytest.mark.parametrize("suffix, make, member", [
    (".docx", docx_bytes, "word/document.xml"),
    (".pptx", pptx_bytes, "ppt/presentation.xml"),
    (".ofd", ofd_bytes, "OFD.xml"),
])
def test_a_member_that_unpacks_to_more_than_it_declares_takes_no_memory(suffix, make, member, tmp_path):
    data = lying_zip(make(), member)
    assert len(data) < 2 * 2**20
    with zipfile.ZipFile(io.BytesIO(data)) as archive:  # what the checks of declared sizes see: nothing wrong
        assert archive.getinfo(member).file_size == 2048
    grown, said = peak_mb_reading(suffix, data, tmp_path)
    print(f"\n[zip] {suffix}: a member declaring 2 KB and holding {UNPACKS_TO >> 20} MB refused; peak memory "
          f"grew {grown:.0f} MB; {said}")
    assert said != "read" and grown < PEAK_ALLOWED_MB
