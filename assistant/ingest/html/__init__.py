"""Web pages saved from a government site (.html, .htm): the article's text, one block per line.

The parser reads lines, so a page becomes: the article's title (its `<h1>`, else the `<title>`) if the article
does not print it; the page's metadata as `key：value` lines (索引号 / 发文单位 / 文号 / 日期 …, read wherever
the page puts them, usually a table above the article) and a byline (发布时间：… 来源：…) found outside the
article; then the article, one paragraph, heading, list item, `<br>` line or table row (cells joined by " | ")
per line, in document order. No pages: a citation's offsets are into this text.

Why lxml and not trafilatura (2.3.1, Apache-2.0; lxml is BSD — both fine for government use). Measured on the
five sample plans and three regulations made into pages (tests/html_fixtures.py) in eight layouts — `<p>` per
line, one `<div>` of `<br>` lines, styled `<p><span><font>` with `<strong>` headings, a `<div>` per line, the
article in a layout table's cell, a covering notice in a sibling `<div>`, the byline above the article, link
lists inside the article — each given the same title and metadata handling: this reading kept every clause,
the title and the metadata of all 40 plan pages and the regulations. trafilatura did as well in six layouts,
but with the article in a layout table's cell (the usual page of an older county site) `include_tables=True`
joined the whole article into one " | " line (0 of 5 plans right), while `include_tables=False`, which reads
that layout, drops every table inside an article; with link lists in the article it left 上一篇/下一篇 in each
plan's last clause; and on its own it lost the `<h1>` in the `<div>`-per-line layout. The reading below is
short, and all of its rules are here:

1. Furniture goes first: scripts, styles, forms; `<nav>`, `<header>`, `<footer>`, `<aside>`; elements whose
   class or id says menu, breadcrumb, share, QR code, related links, print, copyright … — unless one holds
   half the page's text (some sites wrap everything in `<div class="top">`).
2. The article is found by going down from `<body>` into the child holding the most non-link text, while that
   child holds at least half of it, is more than one line, and what is left behind holds nothing the parser
   builds on (no sentence, numbered line or date): so a covering notice or a signature beside the article's
   `<div>` is kept, and menus, link lists and footers are not.
3. Inside it, lists of links (相关文档, 上一篇/下一篇) are dropped, attachments kept.

One module per step:
  page.py      bytes → characters (BOM, UTF-8, the declared charset, GB18030) → the element tree
  metadata.py  the title, the metadata (taken out of the tree) and the byline
  article.py   rules 1 to 3 above: furniture dropped, the article found, link lists inside it dropped
  blocks.py    an element's text as lines, one per block, and the small measures every step uses
  reader.py    HtmlReader: the steps in order, into `Extracted`
"""
from __future__ import annotations

from assistant.ingest.html.reader import HtmlReader

__all__ = ["HtmlReader"]
