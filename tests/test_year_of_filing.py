"""A year that names a document (the folder it is filed under, its title) is no year asked of its text.

Learnt from a question written blind: '2009年那份无源植入性…指导原则里，…降低多少才算有效？' was refused with
'文件中未找到2009年的相关内容' — the guideline is filed under 2009-12-30/ and its text dates nothing in 2009.
Three new wordings here, on the real check and the real query parser.
"""
from __future__ import annotations

import pytest

from assistant.answering.checks import year_supported
from assistant.models import Clause, Document
from assistant.query import make_query
from assistant.hits import Hit

TEXT = "2020年起施行的标准中，灭活工艺验证应至少选择2种病毒。原则上病毒降低量≥4 logs表示该工艺有效。"


def supported(question: str, source: str, title: str = "某器械注册申报资料指导原则") -> bool:
    query = make_query(question, [], frozenset(), frozenset())
    clause = Clause(source, "三（二）", ("三（二）",), "三（二）", TEXT, 0, len(TEXT), 0, 1)
    document = Document(source, title, TEXT, "0" * 64)
    return year_supported(query, Hit(clause, 1.0, 1.0, 1.0, 1.0, True, True), document, lambda term: 1.0)


@pytest.mark.parametrize("question, source", [
    ("2009年那份指导原则里，病毒降低量达到多少算有效？", "2009-12-30/无源植入性医疗器械产品注册申报资料指导原则.docx"),
    ("2015年发的那个申报资料指导原则，灭活工艺要选几种病毒？", "2015-04-05/申报资料指导原则.doc"),
    ("去年归档在2023年文件夹里的那份，病毒降低量要求多少？", "2023年文件/收文/申报资料指导原则.pdf"),
])
def test_the_year_a_document_is_filed_under_names_it(question, source):
    assert supported(question, source)


def test_a_year_neither_the_text_nor_the_filing_gives_is_still_missing():
    assert not supported("2018年那份指导原则里，病毒降低量达到多少算有效？", "2009-12-30/申报资料指导原则.docx")
