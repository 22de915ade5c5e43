"""Which sentences of a generated answer may be shown: those that cite given clauses and state only
figures those clauses state.

    checked = check(generated, check_sources(answer.citations))  # prompt.check_sources: clause [n] is sources[n-1]
    if checked.fell_back: show the extractive answer
    else: show checked.text  # still carries its [n] marks, for a UI to link

A sentence is dropped when it
- cites a number that was not given ("cites [7], which was not given"): a link to nothing is worse than none;
- states a figure that none of the clauses IT cites states ("unsupported figure 12%"): a figure taken from
  another clause is still a figure attributed to the wrong source;
- cites nothing ("cites nothing"). By default even a sentence without figures: the promise of this answer
  is that every sentence can be checked against its clause. `allow_uncited=True` keeps uncited sentences
  that state no figure (connectives such as "具体如下。"); an uncited figure is never kept;
- echoes a clause heading of the prompt ("[2] 《…》 一、目标任务 › …"): small models copy the prompt, and
  a heading passes the figure check while answering nothing;
- repeats a sentence already kept (small models loop).
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.generation.figures import misdated, unsupported
from assistant.models import PATH_SEPARATOR
from assistant.textnorm import compact

MAX_DROPPED_SHARE = 0.5  # more than half the sentences dropped: what is left is not the answer the model meant

_MARK = re.compile(r"[\[［【]\s*(\d+(?:\s*[,，、\-–]\s*\d+)*)\s*[\]］】]")
# A sentence ends at 。！？； (and ! ? anywhere, . only before a space, a mark or the end: not in 95.5% or
# 1.5万) or at a line break; closing quotes and the citation marks written after the stop on the same line
# stay with it. A mark starting a line belongs to what follows it (the prompt's "[2] 《…》" form, echoed).
_SENTENCE = re.compile(
    r"(?:[^。！？；!?.\n]|\.(?![\s\[［【]|$))+"
    r"(?:[。！？；!?]+|\.(?=[\s\[［【]|$)|\n|$)"
    r"(?:[”’」』）)\"']*(?:[ \t\u3000]*[\[［【][\d\s,，、\-–]+[\]］】])*)"
)
_STOPPED = re.compile(r"[。！？；!?.…][”’」』）)\"']*\s*$")
_LEAD = re.compile(r"^\s*(?:[\[［【][\d\s,，、\-–]+[\]］】]\s*)+")
# The prompt shows each clause as "[n] 《title》 path › path：text"; prose has neither form.
_ECHO = re.compile(rf"^\s*(?:[\[［【]\d+[\]］】]\s*)?《[^》]+》\s+[^\s：:]+[：:]|{re.escape(PATH_SEPARATOR.strip())}")
_WORDS = re.compile(r"[\u3400-\u9fffA-Za-z]")
_LIST_MARKER = re.compile(r"^\s*(?:\d{1,2}[.、)](?!\d)|[（(]?[一二三四五六七八九十\d]{1,2}[）)、])\s*")


Records = Sequence[Sequence[tuple[str, str]]]  # per cited clause: (value as written, year) of its target records


@dataclass(frozen=True)
class Sentence:
    """One generated sentence, as written (with its [n] marks), and the clause numbers it cites."""

    text: str
    cites: tuple[int, ...]  # 1-based, in order of first mention


@dataclass(frozen=True)
class Dropped:
    sentence: Sentence
    reason: str  # "unsupported figure 12%", "cites [7], which was not given", "cites nothing", …


@dataclass(frozen=True)
class Checked:
    kept: tuple[Sentence, ...]
    dropped: tuple[Dropped, ...]
    fell_back: bool  # nothing usable is left, or too much was dropped: show the extractive answer instead

    @property
    def text(self) -> str:
        """The kept sentences joined, [n] marks included."""
        out = ""
        for sentence in self.kept:
            spaced = out and out[-1].isascii() and not out[-1].isspace() and sentence.text[0].isascii()
            out += (" " if spaced else "") + sentence.text
        return out

    @property
    def cited(self) -> tuple[int, ...]:
        """The clause numbers the kept sentences cite, ascending."""
        return tuple(sorted({n for s in self.kept for n in s.cites}))


def citation_numbers(text: str) -> tuple[int, ...]:
    """The clause numbers cited by [n], ［n］, 【n】, [1,2], [1-3] or [1][2] marks, in order, without repeats."""
    numbers: list[int] = []
    for mark in _MARK.finditer(text):
        for part in re.split(r"\s*[,，、]\s*", mark[1]):
            low, _, high = re.sub(r"\s", "", part).replace("–", "-").partition("-")
            span = range(int(low), int(high) + 1) if high and 0 <= int(high) - int(low) < 10 else [int(low)]
            numbers += [n for n in span if n not in numbers]
    return tuple(numbers)


def sentences(text: str) -> tuple[Sentence, ...]:
    """The sentences of `text`, each with the marks that follow its stop (marks alone on a line join the
    sentence before them), without list markers ("1.", "（一）") and line breaks.

    Marks that start a line cite that line: small models write "[1] sentence. sentence.\n[2] …", one line
    per clause, so each sentence of it without marks of its own gets the line's (after its stop, where the
    prompt asks for them). Each is then checked against those clauses like any other.
    """
    out: list[str] = []
    for line in text.split("\n"):
        lead = _LEAD.match(line)
        marks = re.sub(r"\s", "", lead.group()) if lead else ""
        for piece in (m.group().strip() for m in _SENTENCE.finditer(line[lead.end():] if lead else line)):
            if _WORDS.search(_MARK.sub("", piece)):
                out.append(piece if not marks or _MARK.search(piece) else piece + marks)
            elif _MARK.search(piece) and out:
                out[-1] += piece  # "[1]" after the stop, apart from it: it cites the sentence before it
            # else empty, or a bare list marker ("1." before a space): nothing to say
        if marks and not _WORDS.search(_MARK.sub("", line)) and out:
            out[-1] += marks  # a line of marks alone cites the sentence before it
    # Prose, not a list: a list marker the model wrote anyway goes; line breaks inside a sentence too.
    texts = [compact(_LIST_MARKER.sub("", s, count=1)) for s in out]
    return tuple(Sentence(s, citation_numbers(s)) for s in texts if s)


def check(text: str, sources: Sequence[str], allow_uncited: bool = False,
          max_dropped_share: float = MAX_DROPPED_SHARE, instructions: str = "", records: Records = ()) -> Checked:
    """Keep the sentences of `text` whose citations exist and whose figures their cited `sources` state
    (sources[0] is clause [1]); see the module's docstring for what is dropped and why. A sentence copied
    from `instructions` (the prompt's rules) is dropped too: it cites and states what the rules do.
    `records[n-1]`: the (value, year) of each target record clause [n] states (assistant/targets/): a figure
    given another year than its record's is dropped too."""
    written = sentences(text)
    if not written or _STOPPED.search(_MARK.sub("", written[-1].text)):
        return check_sentences(written, sources, allow_uncited, max_dropped_share, instructions, records)
    # The last sentence has no stop: the answer ran out of tokens or time mid-sentence.
    checked = check_sentences(written[:-1], sources, allow_uncited, max_dropped_share, instructions, records)
    return _verdict(checked.kept, (*checked.dropped, Dropped(written[-1], "unfinished: the answer was cut off")),
                    max_dropped_share)


def check_sentences(written: Sequence[Sentence], sources: Sequence[str], allow_uncited: bool = False,
                    max_dropped_share: float = MAX_DROPPED_SHARE, instructions: str = "",
                    records: Records = ()) -> Checked:
    """check() of sentences already split. Each verdict depends only on the sentence, its sources and the
    sentences kept before it, so checking a stream's complete sentences as they arrive gives a prefix of
    what checking the whole text gives."""
    kept: list[Sentence] = []
    dropped: list[Dropped] = []
    rules = _plain(instructions)
    for sentence in written:
        reason = _reason_to_drop(sentence, sources, allow_uncited, records)
        if reason is None and rules and _copied_from(_plain(sentence.text), rules):
            reason = "echoes the instructions"
        if reason is None and _loops(sentence.text):
            reason = "repeats itself"
        if reason is None and _plain(sentence.text) in {_plain(k.text) for k in kept}:
            reason = "repeats an earlier sentence"
        if reason is None:
            kept.append(sentence)
        else:
            dropped.append(Dropped(sentence, reason))
    return _verdict(kept, dropped, max_dropped_share)


def _verdict(kept: Sequence[Sentence], dropped: Sequence[Dropped], max_dropped_share: float) -> Checked:
    """Fall back when nothing is kept or more than `max_dropped_share` of the sentences were dropped."""
    fell_back = not kept or len(dropped) > max_dropped_share * (len(kept) + len(dropped))
    return Checked(tuple(kept), tuple(dropped), fell_back)


def _reason_to_drop(sentence: Sentence, sources: Sequence[str], allow_uncited: bool,
                    records: Records = ()) -> str | None:
    invalid = [n for n in sentence.cites if not 1 <= n <= len(sources)]
    if invalid:
        marks = "".join(f"[{n}]" for n in invalid)
        return f"cites {marks}, which {'was' if len(invalid) == 1 else 'were'} not given"
    if _ECHO.search(sentence.text):
        return "echoes a clause heading of the prompt"
    claim = _MARK.sub("", sentence.text)
    cited = [sources[n - 1] for n in sentence.cites]
    missing = unsupported(claim, cited)
    if not sentence.cites and (missing or not allow_uncited):
        return "cites nothing" + (f" and states {', '.join(missing)}" if missing else "")
    if missing:
        return f"unsupported figure{'s' if len(missing) > 1 else ''} {', '.join(missing)}"
    wrong = misdated(claim, [r for n in sentence.cites if n <= len(records) for r in records[n - 1]])
    if wrong:
        return f"figure{'s' if len(wrong) > 1 else ''} {', '.join(wrong)} stated for another year than its clause's"
    return None


def _loops(text: str, times: int = 3) -> bool:
    """Whether one phrase (between commas) comes `times` times or more in a sentence: a model stuck in a loop."""
    phrases = [p.strip(" 。！？!?.") for p in re.split(r"[,，、;；]", _MARK.sub("", text))]
    phrases = [p for p in phrases if len(p) >= 2]
    return any(phrases.count(p) >= times for p in set(phrases))


def _copied_from(sentence: str, rules: str, run: int = 8) -> bool:
    """Whether `sentence` holds a run of `run` characters of `rules` (both plain): a copy, not a paraphrase."""
    return any(sentence[i:i + run] in rules for i in range(0, max(1, len(sentence) - run + 1)))


def _plain(text: str) -> str:
    """A sentence without marks and spaces: what makes two sentences the same sentence."""
    return re.sub(r"\s", "", _MARK.sub("", text))


def audit(text: str, sources: Sequence[str]) -> tuple[str, ...]:
    """What a shown text states that its citations do not back: each figure missing from the clauses its
    sentence cites, and each mark of a clause not given. Empty for any text `check` kept; the evaluation
    re-reads the final shown prose with it, so a fault in streaming or joining sentences shows up."""
    problems: list[str] = []
    for sentence in sentences(text):
        problems += [f"[{n}]" for n in sentence.cites if not 1 <= n <= len(sources)]
        cited = [sources[n - 1] for n in sentence.cites if 1 <= n <= len(sources)]
        problems += unsupported(_MARK.sub("", sentence.text), cited)
    return tuple(problems)
