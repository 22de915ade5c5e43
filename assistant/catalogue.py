"""Which documents a question names by their titles' own words: '胰岛素那份原则', '侧孔钝针的呢', '罕见病器械原则'.

Staff name a document by what sets its title apart from the others ('胰岛素' of '胰岛素测定试剂注册技术审查
指导原则'), rarely by its whole title. Among a collection's titles, the tail many share ('测定试剂注册技术审查指导原则',
'核酸检测试剂注册技术审查指导原则') says what kind of document it is, and what stands before it is the document's
own name: its head. A question names a document when it holds a part of one head (its first two characters or more, or three
anywhere in it) that no other head holds, and that few documents' texts use at all (a word most documents use, such as 用于 or 医疗, names
none of them). Pure: built from the titles, asked with a question and a count of the documents using a word.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from collections import Counter
from typing import Callable, Iterable, Mapping

from assistant.ingest.convert import SHEET_SUFFIXES, SLIDE_SUFFIXES, WORD_SUFFIXES
from assistant.query import topic_phrases
from assistant.textnorm import fold, is_cjk

MIN_NAME = 2  # characters of a head a question must repeat
MIN_KIND = 4  # characters of a kind of subject ('测定试剂'): shorter tails ('试剂') say too little
MAX_SUBJECT = 8  # characters before a kind read as its subject
# The kind of document a title's tail ends with, after the kind of thing it is about ('…检测试剂' + '注册技术审查指导原则')
_DOCUMENT_KIND_WORDS = re.compile(r"(?:注册)?(?:技术)?(?:审查|审评)?(?:指导原则|技术指南)$|(?:临床评价)?(?:注册)?审查指导原则$")
# A question word or a determiner: the words before a kind point at a subject ('哪些检测试剂', '适用于这类测定试剂'),
# they name none
_POINTING = re.compile(r"[哪几某该本此其些这那每各啥]|什么|多少")
# Words before a subject that only point at it ('关于…', '那份…', '这类…')
_SUBJECT_FRAME = re.compile(r"^(?:关于|对于|有关|那份|这份|那个|这个|那种|这种|这类|那类|该|各|一般)+")
# An acronym naming a subject, perhaps before more of its name ('hpv核酸', 'gbs', 'smn1'): the head's last Latin run
_ACRONYM = re.compile(r"([a-z]{2,}[0-9]*)[\u4e00-\u9fff]*$")
# A demonstrative after a name pointing at a document by it ('结核那份', '罕见病器械的这个')
_POINTED = re.compile(r"的?[那这][份个篇项]")
_LEADS_TO_NAME = frozenset({"", "请问", "关于", "对于", "有关"})  # all that may stand before such a name
MIN_WHOLE = 4  # characters of a whole head that name its document whatever else uses them
SHARED_BY = 2  # a tail ending at least this many other titles is generic
RARE_SHARE = 0.05  # a name used by more than this share of the documents' texts (and by more than 2) names none
_MODIFIERS = re.compile(r"(?:[（(][^（）()]*[）)]|[\s　])+$")


def bare(text: str) -> str:
    """Letters, digits and CJK only: 'C-肽' and 'C肽', '硬脑（脊）膜' and '硬脑脊膜' are one name."""
    return re.sub(r"[\W_]+", "", text)


def _bare_positions(text: str) -> list[int]:
    """For each character of bare(text), its offset in `text`."""
    return [i for i, ch in enumerate(text) if re.match(r"[^\W_]", ch)]


def _core(title: str) -> str:
    return _MODIFIERS.sub("", title)


def tails_of(titles: Iterable[str]) -> Counter:
    """How many titles end with each tail (two characters or more): what head_of asks, counted once for all."""
    return Counter(core[cut:] for core in map(_core, titles) for cut in range(len(core) - 1))


def head_of(title: str, tails: Counter) -> str:
    """`title` less its bracketed modifiers and the longest tail that at least SHARED_BY other titles end with
    (`tails`: tails_of every title, this one included)."""
    core = _core(title)
    for cut in range(1, len(core)):  # the longest shared tail first: the shortest head
        tail = core[cut:]
        if len(tail) >= 2 and tails[tail] - 1 >= SHARED_BY:
            return core[:cut]
    return core


@dataclass(frozen=True)
class Catalogue:
    names: Mapping[str, str]  # a part of one document's head -> that document
    # a document's whole head (four characters or more) -> that document: the question names it by its title's own
    # name even where a longer title holds the same words ('健康中国行动' beside '木垒县“健康中国”行动工作落实情况')
    # and other documents' texts use them
    wholes: Mapping[str, str] = field(default_factory=dict)
    # the kinds of thing several titles are about, their shared tails less the kind of document ('检测试剂', '测定试剂'
    # of '…注册技术审查指导原则'), and every title's head ('轮状病毒抗原'): what subjects the collection covers
    kinds: frozenset[str] = frozenset()
    heads: tuple[str, ...] = ()
    titles: Mapping[str, str] = field(default_factory=dict)  # each document's folded title, letters only

    @classmethod
    def of(cls, titles: Mapping[str, str]) -> "Catalogue":
        """From each document's folded title (source -> title)."""
        tails = tails_of(titles.values())
        heads = {s: bare(head_of(t, tails)) for s, t in titles.items()}
        owners: dict[str, set[str]] = {}
        for source, head in heads.items():
            for start in range(len(head)):
                # two characters name a document only where its head begins ('C肽', '结核'); inside it they are
                # mostly a common word ('管理' of 母婴保健管理条例)
                for end in range(start + (MIN_NAME if start == 0 else MIN_NAME + 1), len(head) + 1):
                    owners.setdefault(head[start:end], set()).add(source)
        by_head: dict[str, set[str]] = {}
        for source, head in heads.items():
            by_head.setdefault(head, set()).add(source)
        wholes = {head: next(iter(s)) for head, s in by_head.items() if len(s) == 1 and len(head) >= MIN_WHOLE}
        kinds = {kind for tail, n in tails.items() if n - 1 >= SHARED_BY
                 and len(kind := bare(_DOCUMENT_KIND_WORDS.sub("", tail))) >= MIN_KIND}
        return cls({part: next(iter(s)) for part, s in owners.items() if len(s) == 1}, wholes, frozenset(kinds),
                   tuple(h for h in heads.values() if len(h) >= 2), {s: bare(t) for s, t in titles.items()})

    def unknown_subjects(self, text: str, holding: Callable[[str], Iterable[str]] | None = None) -> list[str]:
        """Subjects of a kind the collection covers that no title is about: '诺如病毒抗原检测试剂' when the titles
        are about 轮状病毒抗原检测试剂 and others; '新冠病毒核酸检测试剂'. The subject is what stands before the kind
        ('诺如病毒抗原' + '检测试剂'); a title's head covers it when the head stands in it ('…起草了核酸扩增法' by
        核酸扩增法), or its first two characters stand in order in the head, as an abbreviation's do ('乙肝…' by
        乙型肝炎…). A subject named by an acronym ('hpv核酸检测试剂') is covered when a title of its kind, or the
        text of a document so titled (`holding`: the documents whose folded text holds a word), writes it: 'gbs' is
        the B群链球菌 guideline's; without `holding` it is not judged. A subject mixing other letters or digits
        ('2019年…'), or of fewer than two characters, is not judged (other checks read those)."""
        letters, found = bare(text), []
        in_order = lambda pair, where: re.search(re.escape(pair[0]) + ".{0,3}" + re.escape(pair[1]), where)  # noqa: E731
        for kind in sorted(self.kinds, key=len, reverse=True):
            for m in re.finditer(re.escape(kind), letters):
                head = _SUBJECT_FRAME.sub("", re.split(r"[的之和与及或]", letters[max(0, m.start() - MAX_SUBJECT):m.start()])[-1])
                acronym = _ACRONYM.search(head)
                if acronym:
                    head = head[acronym.start():]
                    if holding is not None and not self._writes(acronym.group(1), kind, holding) \
                            and not any(head + kind in f for f in found):
                        found.append(head + kind)
                    continue
                if len(head) < 2 or not all(is_cjk(ch) for ch in head) or _POINTING.search(head) \
                        or any(head + kind in f for f in found):
                    continue
                if not any(h in head or in_order(head[:2], h) for h in self.heads):
                    found.append(head + kind)
        return found

    def _kind_follows(self, text: str, end: int, source: str, part: str) -> bool:
        """The name (a part of the head of `source`'s title) is followed in `text` by the rest of the title up to the
        kind of thing it is about, written out or shortened ('结核' + '核酸检测试剂' / '核酸试剂' / '核酸检测' of
        '结核分枝杆菌复合群核酸检测试剂…'): four characters or more standing in order in the title, the last in its
        kind ('检测试剂'), and the name so said standing in no other title ('核酸' + '检测试剂' is many titles' words).
        A word many texts use ('结核') then names the document as its title's subject does."""
        title = self.titles[source]
        rest = title[title.find(part) + len(part):]
        kind = max((k for k in self.kinds if k in rest), key=len, default="")
        if not kind:
            return False
        rest, said, at = rest[:rest.find(kind) + len(kind)], 0, -1
        for ch in text[end:]:
            found = rest.find(ch, at + 1)
            if found < 0:
                break
            said, at = said + 1, found
        named = text[end - len(part):end + said]
        return said >= MIN_KIND and at >= len(rest) - len(kind) \
            and not any(named in other for s, other in self.titles.items() if s != source)

    def _writes(self, acronym: str, kind: str, holding: Callable[[str], Iterable[str]]) -> bool:
        """Whether a title of the kind, or the text of a document so titled, writes the acronym."""
        of_kind = {s for s, title in self.titles.items() if kind in title}
        return any(acronym in self.titles[s] for s in of_kind) or any(s in of_kind for s in holding(acronym))

    def named_in(self, text: str, documents_using: Callable[[str], int], total: int) -> list[str]:
        """The documents `text` names, each by its longest name there, in the order they are named."""
        return [source for source, _, _ in self.names_at(text, documents_using, total)]

    def names_at(self, text: str, documents_using: Callable[[str], int], total: int) -> list[tuple[str, int, int]]:
        """(document, start, end) of each document `text` names: offsets into `text` of the longest run of its
        names there ('硬脑' and '膜补片' of 硬脑（脊）膜补片 make one run in '硬脑膜补片呢')."""
        at, letters = _bare_positions(text), bare(text)
        runs: dict[str, list[list[int]]] = {}
        for source, start, end in self._found(letters, documents_using, total):
            spans = runs.setdefault(source, [])
            if spans and start <= spans[-1][1]:
                spans[-1][1] = max(spans[-1][1], end)
            else:
                spans.append([start, end])
        named = []
        for source, spans in runs.items():
            start, end = max(spans, key=lambda span: span[1] - span[0])
            named.append((source, at[start], at[end - 1] + 1))
        return sorted(named, key=lambda item: item[1])

    def _found(self, text: str, documents_using: Callable[[str], int], total: int) -> list[tuple[str, int, int]]:
        """(document, start, end) of the longest name starting at each place of `text` (bare), in order."""
        found = []
        for start in range(len(text)):
            for end in range(len(text), start + MIN_NAME - 1, -1):
                part = text[start:end]
                if part in self.wholes:
                    found.append((self.wholes[part], start, end))
                    break
                source = self.names.get(part)
                # a word many texts use names no document, unless the question, starting with it, points at one by it
                # ('结核那份指导原则…'; not '胶体金免疫层析分析仪那份…', naming another by the end of its name)
                pointed = _POINTED.match(text, end) and text[:start] in _LEADS_TO_NAME
                if source is None or documents_using(part) > max(2, RARE_SHARE * total) and not pointed \
                        and not self._kind_follows(text, end, source, part):
                    continue
                found.append((source, start, end))
                break
        return found


_FIGURE_SLOTS = re.compile(r"(?:19|20)\d\d年?(?:底|末)?|目标值?|基期(?:水平)?|基线|现状|实际(?:值)?|要求|全[国省市县区]")


def swap_document(previous: str, question: str, names_at: Callable[[str], list[tuple[str, int, int]]],
                  title_of: Callable[[str], str] = lambda source: "") -> str | None:
    """'那胰岛素的呢？' after 'C肽测定试剂的空白限要做多少次重复检测？': the earlier question about the document the
    follow-up names ('胰岛素测定试剂的空白限…'), when the follow-up says nothing but that name; else None. The rest of
    its title said after the name is the name too ('胰岛素测定试剂呢？': `title_of`, folded)."""
    ours, theirs = names_at(question), names_at(previous)
    if len(ours) != 1 or len(theirs) > 1 or theirs and ours[0][0] == theirs[0][0]:
        return None
    source, start, end = ours[0]
    end = _title_runs_on(question, end, ours[0][2], title_of(source))
    rest = re.sub(r"[\W_]+", "", question[:start] + question[end:])
    # a year, and which of the figures ('2022年的目标呢？'), are the earlier question's slots: merge_followup sets them
    rest = _FIGURE_SLOTS.sub("", rest)
    rest = re.sub(r"^(那么?|还有|另外)|(的|呢|吗)+$", "", rest)
    if len(rest) > 2 and topic_phrases(rest):  # it asks something of its own as well ('里的全国是多少' asks nothing)
        return None
    if not theirs:  # the earlier question named its document in words the catalogue does not hold: asked of this one
        return question[start:end] + " " + previous
    earlier, old_start, old_end = theirs[0]
    old_end = _title_runs_on(previous, old_end, old_end, title_of(earlier))
    return previous[:old_start] + question[start:end] + previous[old_end:]


def _title_runs_on(text: str, end: int, name_end: int, title: str) -> int:
    """Where a name in `text` ends once the words of its document's title said right after it are counted in
    ('胰岛素' + '测定试剂' of '胰岛素测定试剂注册技术审查指导原则')."""
    title = bare(title)
    while end < len(text) and bare(text[name_end:end + 1]) in title:
        end += 1
    return end


# What staff call a file by its kind ('那个Excel表', '那份扫描件', 'PDF版'), and the suffixes each names.
# The suffixes are the readers' own (assistant.ingest.convert), so a format added there is named here too.
_FILE_KINDS = (
    (re.compile(r"excel|xlsx?|电子表格|表格文件"), SHEET_SUFFIXES),
    (re.compile(r"word(?:文档|文件|版)?|docx?"), (".docx", *WORD_SUFFIXES)),
    (re.compile(r"pdf"), (".pdf",)),
    (re.compile(r"ppt|幻灯片|演示文稿"), (".pptx", *SLIDE_SUFFIXES)),
    (re.compile(r"ofd"), (".ofd",)),
)
# Words that only say how a file is kept: no topic of a question that names a document by its file.
FILE_WORDS = re.compile(r"^(?:excel|xlsx?|电子表格|表格?|表格文件|word|文档|docx?|pdf|ppt|幻灯片|演示文稿|ofd|扫描件|扫描版|扫描|"
                        r"文件夹|文件|存|存的|放|放的|叫|名叫|名字|其实|到底|那个|那份)$")
_FOLDER_MONTH = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月")
# A day a folder is named by ('2019-05-22', '2019.05.22', '20190522', '2019年5月22日'), and an announcement's number a file
# name carries ('…（2019年第25号）', '…〔2021〕30号').
_FOLDER_DAY = re.compile(r"(?<!\d)((?:19|20)\d{2})(?:[-_.]?(0[1-9]|1[0-2])[-_.]?([0-2]\d|3[01])|年(\d{1,2})月(\d{1,2})日)(?!\d)")
_NAMED_NUMBER = re.compile(r"(?:19|20)\d{2}\s*年\s*第\s*\d+\s*号|[〔\[［]\s*(?:19|20)\d{2}\s*[〕\]］]\s*\d+\s*号")


def path_facts(source: str) -> dict[str, tuple[str, str]]:
    """What a file's place in the library says of it when its text does not: the day its folder is named by
    (field `date`) and the number its own name carries (`doc_number`), each with where the path says it
    ('2019-05-22/宫内节育器…（2019年第25号）.doc' → date '2019-05-22', doc_number '2019年第25号')."""
    *folders, name = source.split("/")
    facts = {}
    for folder in reversed(folders):  # the innermost dated folder
        day = _FOLDER_DAY.search(folder)
        if day:
            facts["date"] = (day.group(), f"所在文件夹“{folder}”")
            break
    number = _NAMED_NUMBER.search(name)
    if number:
        facts["doc_number"] = (number.group(), f"文件名“{name}”")
    return facts



def names_document(word: str, names: Iterable[str]) -> bool:
    """Whether a word of the question only names a document: it stands in one of `names` (folded titles and file
    paths), or it says how a file is kept ('扫描件', 'Excel', '文件夹')."""
    return bool(FILE_WORDS.match(word)) or any(word in name for name in names)

def named_by_file(question: str, sources: Iterable[str], scanned: Callable[[str], bool] = lambda s: False) -> list[str]:
    """The documents a (folded) question names by their files, as staff do in a real folder: by the file's own name
    ('那个叫“年第32号通告附件”的文件'), or by its kind and the dated folder it lies in ('2018年10月存的那个Excel表',
    '那份扫描件'). Names of four characters or more count whole; kinds and months narrow each other, and name
    documents only when they leave one or two. `scanned(source)`: whether its text was read from page images."""
    squashed = bare(question)
    sources = list(sources)
    by_name = [s for s in sources if len(stem := bare(fold(_stem(s)))) >= 4 and stem in squashed]
    if by_name:
        return by_name
    narrowed, said = sources, False
    for pattern, suffixes in _FILE_KINDS:
        if pattern.search(question):
            narrowed, said = [s for s in narrowed if s.lower().endswith(suffixes)], True
    if re.search(r"扫描件|扫描版|扫描的", question):
        narrowed, said = [s for s in narrowed if scanned(s)], True
    month = _FOLDER_MONTH.search(question)
    if month:
        year, number = month.group(1), int(month.group(2))
        dated = [s for s in narrowed if re.search(rf"(?<!\d){year}[-_.年]?0?{number}(?!\d)", s.rsplit("/", 1)[0])]
        narrowed, said = dated, said or bool(dated)
    return narrowed if said and 0 < len(narrowed) <= 2 else []


def _stem(source: str) -> str:
    name = source.rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[0] if "." in name else name


# A document's name as another document cites it: '《“健康贵州2030”规划纲要》', '《医疗器械监督管理条例》'.
_CITED = re.compile(r"《([^《》\n]{4,60})》")
MIN_CITED = 6  # characters of a cited name (bare) a question must repeat whole: shorter ones are common words
# Title marks also hold products and standards' subjects ('《TCu宫内节育器》'): a document's name ends in the kind of
# document it is, before a year or an edition ('…行动(2019—2030年)', '…(2016版)', '…(试行)').
_DOCUMENT_KIND = re.compile(r"(?:纲要|规划|计划|方案|要点|意见|通知|条例|办法|规定|细则|决定|指南|原则|规范|标准|目录|法|"
                            r"公告|通告|报告|行动)(?:\d{4}\d{4}年|\d{4}年?版?|试行|修订|征求意见稿)*$")


def cited_names(folded_texts: Iterable[str]) -> frozenset[str]:
    """The names (bare) of the documents the collection's (folded) texts cite in title marks."""
    return frozenset(name for text in folded_texts for m in _CITED.finditer(text)
                     if len(name := bare(m.group(1))) >= MIN_CITED and _DOCUMENT_KIND.search(name))


def cited_not_held(question: str, cited: Iterable[str], titles: Iterable[str],
                   written: Callable[[str], bool] = lambda text: False) -> tuple[str, ...]:
    """The documents a (folded) question names by a name the collection cites them by, when the collection does not
    hold them: '健康贵州2030规划纲要对2020年…提出什么目标' asks a 纲要 a plan of the collection only cites. A name
    that is (or is part of, or holds) one of the collection's own titles is held; the longest names first, a name
    inside another asked name not again. A name the question runs on into a longer phrase the collection's texts
    write (`written`, bare text) names no document there: '国家学生体质健康标准达标优秀率' is an indicator."""
    squashed = bare(question)
    held = [bare(t) for t in titles]
    asked = sorted((n for n in cited if n in squashed), key=len, reverse=True)
    absent: list[str] = []
    for name in asked:
        if any(name in t or t in name for t in held) or any(name in longer for longer in absent):
            continue
        runs_on = [squashed[m.end():m.end() + 2] for m in re.finditer(re.escape(name), squashed)]
        if all(len(after) == 2 and written(name + after) for after in runs_on):
            continue
        absent.append(name)
    return tuple(absent)


def without_names(text: str, names: Iterable[str]) -> str:
    """`text` (folded) less each of `names` (bare) where it stands, with the marks around it ('按“健康贵州2030”规划纲要，
    …' → '按，…'): what the question asks of a document the collection does not hold, asked of those it does."""
    at, letters = _bare_positions(text), bare(text)
    cut = [False] * len(text)
    for name in names:
        for m in re.finditer(re.escape(name), letters):
            first, last = at[m.start()], at[m.end() - 1]
            while first > 0 and text[first - 1] in "《“\"'‘":
                first -= 1
            while last + 1 < len(text) and text[last + 1] in "》”\"'’":
                last += 1
            cut[first:last + 1] = [True] * (last + 1 - first)
    return "".join(ch for ch, gone in zip(text, cut) if not gone)
