"""HtmlReader: a web page through the steps in order — characters, tree, title, metadata and byline taken out,
furniture dropped, the article found — into the text the parser reads."""
from __future__ import annotations

from typing import ClassVar

from assistant.ingest.base import CorpusError, Extracted
from assistant.ingest.html.article import article, remove_furniture
from assistant.ingest.html.blocks import _contains_line, _squash, _weight, block_lines
from assistant.ingest.html.metadata import bylines, page_title, take_metadata
from assistant.ingest.html.page import decode_page, parse_page
from assistant.parser import is_boilerplate

_MIN_ARTICLE = 20  # fewer own characters than this: a page of links, not an article


class HtmlReader:
    suffixes: ClassVar[tuple[str, ...]] = (".html", ".htm")

    def extract(self, name: str, data: bytes) -> Extracted:
        root = parse_page(decode_page(data, name), name)
        title = page_title(root)
        meta = take_metadata(root)
        byline = bylines(root)
        remove_furniture(root)
        container = article(root)
        body = block_lines(container)
        own = sum(len(_squash(line)) for line in body if not is_boilerplate(line))
        if min(own, _weight(container)) < _MIN_ARTICLE:  # link texts do not count: a menu is no article
            raise CorpusError(f"{name}: no article text on this page (only navigation, links or page furniture; "
                              "if the document is an attached file, add that file instead)")
        head = [title] if title and not _contains_line(body, title) else []
        head += meta + [line for line in byline if not _contains_line(body, line)]
        return Extracted("\n".join(head + body) + "\n")
