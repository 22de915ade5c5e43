"""Which attachment of its notice a file is: '附件 2' printed over a guideline's title.

19 of the real library's 29 files open with such a mark. Learnt from blind questions ('载脂蛋白B那份扫描件在发文里是
附件几？', '…是第几个附件'), which were answered from the guideline's scope clause. Three wordings, on the real files
(a scan among them), and the mark as the parser keeps it.
"""
from __future__ import annotations

import pytest

from assistant.models import Intent
from assistant.parser import parse_document


def test_the_mark_over_the_title_is_kept_as_metadata_with_its_place():
    text = "附件 2\n载脂蛋白B测定试剂注册技术审查指导原则\n本指导原则旨在指导注册申请人。\n一、适用范围\n载脂蛋白B测定试剂。"
    document = parse_document("x.pdf", text).document
    mark = document.field("attachment")
    assert document.title == "载脂蛋白B测定试剂注册技术审查指导原则"
    assert mark is not None and mark.value == "附件 2" and text[mark.start:mark.end] == "附件 2"


def test_a_mark_without_a_number_is_no_attachment_number():
    document = parse_document("x.doc", "附件\n一次性使用无菌侧孔钝针注册审查指导原则\n本指导原则旨在帮助申请人。").document
    assert document.field("attachment") is None


@pytest.mark.parametrize("question, mark", [
    ("载脂蛋白B那份扫描件是附件几？", "附件 2"),
    ("胰岛素测定试剂指导原则是第几个附件？", "附件 4"),
    ("C肽那份原则在通知里是哪个附件？", "附件5"),
])
def test_which_attachment_a_guideline_is_is_answered_from_its_mark(real_library, question, mark):
    answer = real_library.ask(question)
    assert answer.intent is Intent.METADATA and answer.found and mark in answer.text, answer.text


def test_the_documents_tab_shows_the_mark_beside_the_other_metadata():
    from assistant.ui.sources import document_meta

    text = "附件5\nC-肽测定试剂注册技术审查指导原则\n本指导原则旨在指导注册申请人。"
    assert "附件序号：附件5" in document_meta(parse_document("c.doc", text).document)
