"""Reading a question against the collection's catalogue, before anything is searched.

The catalogue is what the index knows of each document as a whole: its title and the names it goes by (the words
its title quotes, its place, its file and dated folder), the documents it only cites, the places it is about. The
reader turns (question, history) into one `Understanding`: the documents named, the places and years asked, the
topic without the words that only name a document, and the kind of answer wanted; retrieval searches what it says
and the strategies answer from it.
"""
from __future__ import annotations

import re
from dataclasses import replace
from functools import cached_property
from pathlib import Path
from typing import Callable, Sequence

from assistant.catalogue import Catalogue, cited_not_held, names_document, named_by_file, swap_document, without_names
from assistant.crosslingual import Glossary, load_glossary, translate
from assistant.index import SearchIndex
from assistant.models import Intent
from assistant.place_words import PlaceWords
from assistant.place_spellings import spellings
from assistant.query import Query, across_documents, make_query, topic_phrases
from assistant.textnorm import fold, is_cjk, tokens
from assistant.understanding.intent import asks_only_for_documents, classify, thing_asked_about
from assistant.understanding.kind_examples import from_examples
from assistant.understanding.record import Understanding

# Words that make a question a question but say nothing about the subject.
QUESTION_TERMS = frozenset(
    tokens(
        fold(
            "多少 什么 哪些 哪个 哪里 如何 怎么 怎样 是否 有没有 提到 提出 计划 要求 目标 内容 讲的 讲什么 "
            "文件 里面 方面 关于 情况 具体 主要 一下 请问 是否有 哪几 几个 咋样 安排"
        )
    )
) | {"what", "which", "how", "does", "the", "for", "and", "plan", "of", "in", "is", "are", "to", "a", "about"}

KindOf = Callable[[str], "tuple[Intent, float]"]


class QuestionReader:
    """Reads questions against one index's catalogue (made once per index generation, by the service)."""

    def __init__(self, index: SearchIndex, folded_document: Callable[[str], str], cache_dir: Path | None = None,
                 kind_of: KindOf | None = None):
        self.index = index
        self.features = index.features
        self.home = {source: set(d.places) for source, d in self.features.documents.items()}
        self.known_places = frozenset(p for places in self.home.values() for p in places)
        self.spelt = spellings(self.known_places, self.features.spellings)
        self.place_words = PlaceWords(self.features, self.known_places, folded_document)
        self._folded_document = folded_document
        self.kind_of = kind_of  # the kind of a question's nearest labelled examples (kind_examples.py), if known
        self._contains: dict[str, bool] = {}
        self._glossary: Glossary | None = None  # CC-CEDICT, read on the first English question
        self._cache_dir = cache_dir  # where the dictionary is kept parsed
        self._headings: dict[str, frozenset[str]] = {}  # each document's headings with parts, by name

    def understand(self, question: str, history: Sequence[str] = (), scope: frozenset[str] | None = None
                   ) -> Understanding:
        """What `question`, after the earlier turns `history`, asks; given `scope` (a collection's documents), of those.

        The name of a document the collection only cites ('健康贵州2030规划纲要对…提出什么目标') names no year, topic,
        indicator or term asked: those are read from the question without it (its meaning still leans on it)."""
        cited = lambda text: cited_not_held(fold(text), self.features.cited, self._titles.values(), self.features.writes)  # noqa: E731
        absent, earlier = cited(question), [cited(turn) for turn in history]
        query = self._query(question, history)
        if (absent or any(earlier)) and not across_documents(fold(question)):  # '哪些文件提到了…纲要': the name asked
            less = self._query(without_names(fold(question), absent),
                               [without_names(fold(turn), names) for turn, names in zip(history, earlier)])
            query = replace(query, years=less.years, topic=less.topic, indicators=less.indicators, focus=less.focus,
                            content_terms=less.content_terms)
        pinned, named, unknown, incidental, shared = self._pin_documents(query)
        if scope is not None:
            pinned, named = [s for s in pinned if s in scope], [s for s in named if s in scope]
            shared = [g for g in ([s for s in group if s in scope] for group in shared) if len(g) > 1]
        if not absent and earlier and query.context and not self._names_own(fold(question)):
            absent = earlier[-1]  # a follow-up of a question about one ('那注册护士呢？') naming no document of its own
        topic, intent = self._asked(question, query, named, shared)
        return Understanding(question, query, topic, intent, tuple(named), tuple(pinned),
                             tuple(tuple(group) for group in shared), tuple(incidental), tuple(unknown), tuple(absent),
                             tuple(self._catalogue.unknown_subjects(fold(question), self.features.containing)),
                             self._off_topic(query), scope)

    def _asked(self, question: str, query: Query, named: list[str], shared: list[list[str]]
               ) -> tuple[tuple[str, ...], Intent]:
        """The topic without words that only name a named document, and the kind of answer wanted. Of several
        documents about one place (`shared`), retrieval keeps one: they count as one document named."""
        documents = self.index.documents
        names = [fold(documents[s].title) + "｜" + fold(s) for s in named]  # a document is named by its file too
        quoted = "".join(re.findall(r"[“\"]([^”\"]{2,20})[”\"]", query.folded)).replace(" ", "")
        # a term in quotation marks is what is asked ('“真实世界数据”具体指的是什么'), even when a title says it too, if
        # the text uses it beyond its title (not a file's name: '“2015年第32号通告附件”到底是哪个指导原则')
        used = lambda p: bool(named) and all(self._folded_document(s).count(p) >= 2 for s in named)  # noqa: E731
        topic = tuple(p for p in query.topic if p.replace(" ", "") in quoted and used(p.replace(" ", ""))
                      or not any(all(names_document(w, [n]) for w in p.split()) for n in names))
        count = len(named) - sum(len(group) - 1 for group in shared)
        intent = classify(replace(query, topic=topic), count, [fold(documents[s].title) for s in named])
        if self.kind_of is not None and intent is Intent.LOOKUP:
            asks_for_documents = count == 0 and asks_only_for_documents(query.folded)
            intent = from_examples(intent, self.kind_of(question), asks_for_documents)
        thing = thing_asked_about(query.folded)  # '…的保障措施讲的是什么': the thing, whatever the topic keeps of it
        if intent is Intent.LOOKUP and count == 1 and (query.asks.several and self._names_a_heading(named[0], topic)
                                                       or thing and self._names_a_heading(named[0], [thing])):
            intent = Intent.OUTLINE  # '…的名词解释部分解释了哪些术语', '…的保障措施讲的是什么': that heading's parts
        return topic, intent

    def _names_a_heading(self, source: str, topic: Sequence[str]) -> bool:
        """A phrase of the topic is the name of a heading of the document with parts under it ('名词解释', '原材料',
        '产品说明书'): asked for several things of it, the question asks for its parts."""
        if source not in self._headings:  # read once per document: its outline is made from the clause table
            outline = self.index.whole_clauses[source]
            parts: dict[tuple[str, ...], int] = {}
            for clause in outline:
                parts[clause.path[:-1]] = parts.get(clause.path[:-1], 0) + 1
            self._headings[source] = frozenset(fold(c.title).replace(" ", "")  # the heading less its number
                                               for c in outline if c.path and parts.get(c.path, 0) >= 2)
        return any(p.replace(" ", "") in self._headings[source] for p in topic)

    def synonyms(self, word: str) -> tuple[str, ...]:
        """Words the dictionary glosses as it glosses `word` (crosslingual.Glossary.synonyms)."""
        if self._glossary is None:
            self._glossary = load_glossary(self._cache_dir)
        return self._glossary.synonyms(word)

    @cached_property
    def _titles(self) -> dict[str, str]:  # each document's title, folded
        return {s: fold(d.title) for s, d in self.index.documents.items()}

    @cached_property
    def _catalogue(self) -> Catalogue:  # the titles' own names, made on first use
        return Catalogue.of(self._titles)

    def _query(self, question: str, history: Sequence[str]) -> Query:
        return make_query(question, history, self.known_places, QUESTION_TERMS, self._translate, self.spelt,
                          lambda previous, asked: swap_document(fold(previous), fold(asked), self._names_at,
                                                                lambda source: self._titles[source]),
                          self.place_words.ordinary, self.place_words.in_term, self._about_same_document)

    def _about_same_document(self, previous: str, question: str) -> bool:
        """The earlier turn names documents by their titles' words, this one names none, and each of those documents
        holds every word of what this one asks about ('线性范围下限不高于多少？' after '胰岛素测定试剂的空白限…'): it is
        asked of them. A question about something they do not say is asked of the whole collection."""
        earlier = {source for source, _, _ in self._names_at(previous)}
        if not earlier or self._names_at(question):
            return False
        words = [w for phrase in topic_phrases(fold(question)) for w in phrase.split() if len(w) >= 2]
        return bool(words) and all(earlier <= set(self.features.containing(w)) for w in words)

    def _names_own(self, folded: str) -> bool:
        """Whether the text names a document of the collection by its title's words."""
        return bool(self._names_at(folded)) or any(n in folded for ns in self.features.title_names.values() for n in ns)

    def _in_corpus(self, word: str) -> bool:
        """Whether any document contains the folded word."""
        if word not in self._contains:
            self._contains[word] = bool(self.features.containing(word))
        return self._contains[word]

    def _off_topic(self, query: Query) -> bool:
        """No Chinese word of the question occurs in any document; or, in English, no word of it
        translates to a word the documents use, or it is no sentence ('asdf qwer', 'alert(1)').
        """
        if query.clause_refs:
            return False
        chinese = [] if query.cross_lingual else [t for t in query.content_terms if is_cjk(t[0])]
        if chinese:
            return not any(t in self.index.bm25 for t in chinese)
        return not query.translations or len(re.findall(r"[a-z]{2,}", query.folded)) < 3

    def _translate(self, folded: str) -> list[str]:
        if not re.search(r"[a-z]{3,}", folded):
            return []
        if self._glossary is None:
            self._glossary = load_glossary(self._cache_dir)
        return translate(folded, self._glossary, self._in_corpus)

    def _pin_documents(self, query: Query) -> tuple[list[str], list[str], list[str], list[str], list[list[str]]]:
        """(documents searched: about the places named or mentioning them; documents named: about the
        places; places no document mentions; places only mentioned in passing; for each place several
        documents are about, those documents, narrowed to the ones whose titles share the most of the
        question's words)."""
        pinned, named, unknown, incidental, shared = [], [], [], [], []
        for place in query.places:
            homes = [s for s, places in self.home.items() if place in places]
            mentions = self.features.containing(place)
            if homes:
                homes = self._by_title(query, homes)
                if len(homes) > 1:
                    shared.append(homes)
                pinned.extend(homes)
                named.extend(homes)
            elif not mentions:
                unknown.append(place)
            else:
                incidental.append(place)
                if len(mentions) < len(self.features.sources):
                    pinned.extend(mentions)
        if not query.places:  # '八大工程行动计划分哪几个部分': a name the title puts in quotation marks
            pinned = named = [s for s, names in self.features.title_names.items() if any(n in query.folded for n in names)]
            if not pinned and not across_documents(query.folded):  # '那个Excel表', '胰岛素那份原则'
                pinned = named = self._named_by_file(query.asked or query.folded) or self._named_by_title(query) \
                    or self._named_by_file(query.context)  # an earlier turn's file, when this one names none
        return list(dict.fromkeys(pinned)), list(dict.fromkeys(named)), unknown, incidental, shared

    def _named_by_file(self, text: str) -> list[str]:
        """The documents a text names by their files: name, kind, dated folder (catalogue.named_by_file)."""
        documents = self.index.documents
        return named_by_file(text, documents, lambda s: bool(documents[s].ocr_pages)) if text else []

    def _named_by_title(self, query: Query) -> list[str]:
        """The documents the question names by their titles' own words (the catalogue), the turn as typed first:
        '那侧孔钝针呢？' after a question about 人工韧带 is about 侧孔钝针; else those its earlier turn named."""
        named = [source for source, _, _ in self._names_at(query.asked)] if query.asked else []
        named = named or [source for source, _, _ in self._names_at(query.folded)]
        # a follow-up with a subject of its own ('5岁以下儿童死亡率呢？') asks it of the document the earlier turn named
        return named or ([source for source, _, _ in self._names_at(query.context)] if query.context else [])

    def _names_at(self, text: str) -> list[tuple[str, int, int]]:
        """The documents `text` names by their titles' own words, with where (offsets into fold(text))."""
        return self._catalogue.names_at(fold(text), lambda word: len(self.features.containing(word)),
                                        len(self.features.sources))

    def _by_title(self, query: Query, sources: list[str]) -> list[str]:
        """Of several documents about one place, those whose titles share the most of the question's
        words (weighted by idf): '广州18项重点工程…' is the plan titled with 重点工程, not the city's
        regulation on first aid. All of them when no title shares more than another."""
        if len(sources) < 2:
            return sources
        terms = set(query.content_terms)
        weight = {s: sum(self.index.bm25.idf(t) for t in terms if t in self.features.documents[s].title_folded)
                  for s in sources}
        best = max(weight.values())
        return [s for s in sources if weight[s] == best] if best > 0 else sources
