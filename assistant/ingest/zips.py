"""Zip containers (.docx, .pptx, .ofd): refuse what no reader should be handed, and read the members of the
rest under a running cap, so no zip can make the server take more memory than its limit.

Declared sizes are checked first (`office_zip`, `check_sizes`): over 200 MB unpacked, a large member packed
over 100:1, more than 10 000 members. But a zip's entries may lie: a member declaring 2 KB can hold a deflate
stream of gigabytes, and zipfile's `read()` of a whole member asks zlib for all of it at once before cutting
it to the declared size. So members are only ever read here, CHUNK bytes at a time against a running total
(`read_members`), in the two methods Office and OFD writers use (stored, deflated: the bzip2 and LZMA
decompressors zipfile drives take no output limit), and the libraries get what was read (`repacked`).
"""
from __future__ import annotations

import io
import re
import zipfile
import zlib
from typing import Sequence

from assistant.ingest.base import CorpusError

MAX_UNPACKED = 200 * 2**20  # a real plan, images and all, is a few MB
MAX_RATIO = 100  # Word's XML packs 5-20:1; a bomb packs 1000:1
RATIO_FLOOR = 2**20  # a member under 1 MB cannot hurt, whatever its ratio
MAX_MEMBERS = 10_000
CHUNK = 256 * 1024  # zlib is asked for at most this much at a time
_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OTHER_FORMATS = ((b"{\\rtf", "an RTF file"), (b"%PDF", "a PDF file"), (b"<", "an XML or HTML file"))
_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError, NotImplementedError, zlib.error)


def _error(name: str, reason: str) -> CorpusError:
    """The one-line message every refusal carries (no line break can come in with a name or a reason)."""
    return CorpusError(re.sub(r"\s*[\r\n]+\s*", " ", f"{name}: {reason}"))


def office_zip(name: str, data: bytes, suffix: str = ".docx", what: str = "Word document",
               signatures: Sequence[tuple[bytes, str]] = _OTHER_FORMATS) -> list[zipfile.ZipInfo]:
    """The members of an Office zip (`suffix`: '.docx', '.pptx'), or a one-line refusal: an old OLE file or
    an encrypted one, another format (`signatures`), a damaged zip, a bomb, a password-protected zip."""
    if data.startswith(_OLE):
        raise _error(name, f"encrypted or old {suffix[:-1]} format (an OLE compound file, not a {suffix} zip); "
                           f"remove the password or save it as {suffix}")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except _ZIP_ERRORS as exc:
        raise _error(name, _not_a_zip(data, exc, suffix, signatures)) from None
    check_sizes(name, infos, what)
    if any(info.flag_bits & 0x1 for info in infos):
        raise _error(name, "the zip is password-protected; save the document again without a password")
    return infos


def _not_a_zip(data: bytes, exc: Exception, suffix: str, signatures: Sequence[tuple[bytes, str]]) -> str:
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    kind = next((what for magic, what in signatures if head.startswith(magic)), None)
    if kind:
        return f"not a {suffix} file: it is {kind}"
    if data.startswith(b"PK"):
        return f"corrupt or truncated zip archive ({exc}); save the document again"
    return f"not a {suffix} file (not a zip archive)"


def check_sizes(name: str, infos: Sequence[zipfile.ZipInfo], what: str = "Word document") -> None:
    """What the entries declare. `what` names the kind of file the zip should be."""
    if len(infos) > MAX_MEMBERS:
        raise _error(name, f"refused: the zip holds {len(infos)} files; not a normal {what}")
    total = sum(info.file_size for info in infos)
    if total > MAX_UNPACKED:
        raise _error(name, f"refused: it would unpack to {total / 2**20:.0f} MB (limit {MAX_UNPACKED // 2**20} MB); "
                           f"a zip bomb or not a normal {what}")
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_FLOOR and ratio > MAX_RATIO:
            raise _error(name, f"refused: {info.filename} is packed {ratio:.0f}:1 (limit {MAX_RATIO}:1); "
                               f"a zip bomb or not a normal {what}")
    odd = next((info for info in infos if info.compress_type not in _METHODS), None)
    if odd is not None:
        raise _error(name, f"refused: {odd.filename} is compressed in a way no {what} is (zip method "
                           f"{odd.compress_type}); save the document again")


def read_members(name: str, archive: zipfile.ZipFile, what: str, limit: int = MAX_UNPACKED) -> dict[str, bytes]:
    """Every file in `archive` by name, read CHUNK bytes at a time while counting what all of them gave so far;
    a refusal the moment that passes `limit`. zipfile stops each member at its declared size and checks its
    CRC there, so a member holding more than it declares is cut short and refused as damaged."""
    members: dict[str, bytes] = {}
    total = 0
    try:
        for info in archive.infolist():
            if info.is_dir():
                continue
            parts = []
            with archive.open(info) as member:
                while chunk := member.read(CHUNK):
                    total += len(chunk)
                    if total > limit:
                        raise _error(name, f"refused: its files unpack to more than the limit of {limit // 2**20} MB; "
                                           f"a zip bomb or not a normal {what}")
                    parts.append(chunk)
            members[info.filename] = b"".join(parts)
    except _ZIP_ERRORS as exc:
        raise _error(name, f"corrupt or truncated zip archive ({' '.join(str(exc).split())[:120]}); "
                           f"save the document again") from None
    return members


def repacked(name: str, data: bytes, what: str) -> bytes:
    """The zip again, its members as `read_members` read them, stored uncompressed: what python-docx and
    python-pptx are handed, so their own whole-member reads take no more than was counted."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = read_members(name, archive, what)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as copy:
        for member, content in members.items():
            copy.writestr(member, content)
    return out.getvalue()
