"""Words the segmenter tags as places that, in this collection, are none: a word most documents use ('上市' in
device guidelines), and the start of a term ('安宁' of 安宁疗护). Read over the collection's features; used by
query.make_query through retrieval.Retriever."""
from __future__ import annotations

from typing import Callable

from assistant.features import Features
from assistant.textnorm import is_cjk

MAX_TERM_DOCUMENTS = 200  # in_term reads the documents mentioning a word: past this many, it is not a term's start
_ADMIN = "省市县区州镇乡村"  # what follows a place's name when it is one ('遵义市')


class PlaceWords:
    def __init__(self, features: Features, known_places: frozenset[str], folded_document: Callable[[str], str]):
        self.features = features
        self.known_places = known_places  # the places documents are about
        self.folded_document = folded_document  # a document's text, folded, whitespace removed

    def ordinary(self, word: str) -> bool:
        """A word tagged as a place that is no place of this collection: no document is about it, and most
        documents use it ('上市' in device guidelines). Such a word is neither a place nor a topic word."""
        n = len(self.features.sources)
        return n >= 4 and word not in self.known_places and len(self.features.containing(word)) > n // 2

    def in_term(self, word: str, folded: str) -> bool:
        """A word tagged as a place that here starts a term: the question goes on as every mention of it in the
        collection does ('安宁' of '安宁疗护', '长江' of '长江经济带'), and no document is about it. Such a word is
        no place, but it stays a topic word."""
        at = folded.find(word)
        after = folded[at + len(word):at + len(word) + 2] if at >= 0 else ""
        if word in self.known_places or len(after) < 2 or not all(is_cjk(c) for c in after) or after[0] in _ADMIN \
                or after in ("自治", "地区", "特别"):  # '黔西南自治州': the place, named in full
            return False
        mentions = self.features.containing(word)
        if not mentions or len(mentions) > MAX_TERM_DOCUMENTS:
            return False
        term = word + after
        return all(self.folded_document(s).count(word) == self.folded_document(s).count(term) for s in mentions)
