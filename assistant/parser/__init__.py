"""File text → Document + clauses. Pure functions: no I/O, no model.

The outline is a mixed hierarchy detected line by line (第X章/条, 一、, （一）, 1., （1）, ①,
Markdown headings, ——group headings, short headlines). Nesting is learned from the order in
which numbering styles appear: a style already open in the current path closes everything
below it and starts a sibling; a new style opens a child. Lines with no marker continue the
clause before them, so sentences broken across page breaks stay whole.

One module per step:
  lines.py     a file's lines with their offsets; what one line is: an outline marker, a table row, boilerplate
  scan.py      first pass: boilerplate, metadata rows, signature blocks and the title
  outline.py   second pass: the tree of numbered parts, headings and table rows, and each node's label
  document.py  parse_document: both passes, then the Document (its metadata with offsets) and its Clauses
"""
from __future__ import annotations

from assistant.parser.document import ParsedDocument, parse_document
from assistant.parser.lines import is_boilerplate, match_marker, row_keys
from assistant.parser.outline import PREAMBLE
from assistant.parser.scan import parse_metadata_line

__all__ = ["PARSER_VERSION", "PREAMBLE", "ParsedDocument", "is_boilerplate", "match_marker", "parse_document",
           "parse_metadata_line", "row_keys"]

PARSER_VERSION = "17"  # 17: '自治州' alone is no place a document is about (features.home_places)
# 13: a news heading printing a document, a publication note under it
# 12: PDF hanging indents and 1.5-spaced paragraphs joined
