"""The article: page furniture dropped (menus, headers, footers, share and QR blocks, unless one holds most of the
page's text), the smallest element holding the article found by going down from `<body>`, and the link lists
inside it dropped (attachments kept)."""
from __future__ import annotations

import re

import lxml.html

from assistant.ingest.html.blocks import (_BLOCK, _FURNITURE_LINE, _FURNITURE_TAGS, _clean, _drop, _squash,
                                          _text_lines, _weight, block_lines)
from assistant.parser import is_boilerplate, match_marker

# Class/id words of page furniture on Chinese government sites. Short, ambiguous words must be a whole word
# ("foot", not "footnote"); distinctive ones may start a longer name ("shareBox", "breadcrumbs").
_FURNITURE_WORDS = frozenset("nav menu foot top bottom tool tools qr ewm print search share related side head "
                             "login links".split())
_FURNITURE_PREFIXES = ("navbar", "navigation", "header", "footer", "breadcrumb", "crumb", "bdshare", "fenxiang",
                       "qrcode", "erweima", "copyright", "sidebar", "gotop", "xgwz", "xgxx", "xglj", "dqwz")
_FILE_LINK = re.compile(r"\.(docx?|pdf|xlsx?|wps|ofd|zip|rar|txt|et)(?:$|[?#])", re.I)
_PROSE = 40  # a line this long that ends a sentence is article text, never furniture
_DATE = re.compile(r"^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日(印发|印發)?$")  # a signature's date line
_SENTENCE_END = re.compile(r"[。；;！？!?]")


def remove_furniture(root: lxml.html.HtmlElement) -> None:
    """Drop menus, headers, footers, share/QR/related blocks — unless one holds most of the page's text
    (some sites wrap the whole page in a `<div class="top">`)."""
    total = _weight(root)
    for el in list(root.iter()):
        if el.getparent() is not None and _is_furniture(el) and _weight(el) < 0.5 * total:
            _drop(el)


def _is_furniture(el: lxml.html.HtmlElement) -> bool:
    if el.tag in _FURNITURE_TAGS:
        return True
    names = f"{el.get('class', '')} {el.get('id', '')}".lower()
    words = re.split(r"[^a-z0-9]+", names)
    return any(w in _FURNITURE_WORDS or w.startswith(_FURNITURE_PREFIXES) for w in words if w)


def article(root: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    """The smallest element holding the article. From `<body>`, go down into the heaviest child while it holds
    at least half the text, has more than one line (never into a single paragraph), and what it leaves behind
    holds nothing the parser builds on: no sentence, no numbered line, no date. Then drop the link lists left
    inside it."""
    node = root.find("body")
    node = root if node is None else node
    while True:
        children = [c for c in node if isinstance(c.tag, str)]
        if not children:
            break
        best = max(children, key=_weight)
        left_behind = [_own_lines(node)] + [_text_lines(c) for c in children if c is not best]
        weight = _weight(best)
        if not weight or weight < 0.5 * _weight(node) or len(block_lines(best)) < 2:
            break
        if any(_is_article_line(line) for lines in left_behind for line in lines):
            break
        node = best
    for el in list(node.iterdescendants()):
        if el.getparent() is not None and _is_link_list(el):
            _drop(el)
    return node


def _own_lines(node: lxml.html.HtmlElement) -> list[str]:
    """Text directly in `node` (lines separated by `<br>`), which going down would lose."""
    return [_clean(t) for t in [node.text, *(c.tail for c in node)] if t and _clean(t)]


def _is_article_line(line: str) -> bool:
    """A sentence, a numbered line (一、总体要求) or a date (a signature's): what the parser builds on."""
    if is_boilerplate(line) or _FURNITURE_LINE.search(line):
        return False
    sentence = len(_squash(line)) >= _PROSE and _SENTENCE_END.search(line) is not None
    return sentence or match_marker(line) is not None or _DATE.match(line) is not None


def _is_link_list(el: lxml.html.HtmlElement) -> bool:
    """A block of two or more links and little else (相关文档, 上一篇/下一篇), unless they are attachments."""
    if el.tag not in _BLOCK:
        return False
    links = list(el.iter("a"))
    if len(links) < 2 or any(_FILE_LINK.search(a.get("href", "")) for a in links):
        return False
    text = len(_squash(el.text_content()))
    return text > 0 and sum(len(_squash(a.text_content())) for a in links) >= 0.8 * text
