"""A term in quotation marks is what a question asks about, even when a document's title says it too. Learnt from a
blind question ('“真实世界数据”具体指的是什么数据？'): the term named the 真实世界数据 guideline, was taken out of the topic as
the document's name, and the question, asking of nothing else, was answered with a summary of the guideline instead
of its definition ('本指导原则所述真实世界数据是指传统临床试验以外的…')."""
from __future__ import annotations

import pytest

from assistant.models import Intent


@pytest.mark.parametrize("question", [
    "所谓“真实世界数据”，具体是指什么？",
    "文中的“真实世界数据”具体指什么数据",
    "“真实世界数据”这个说法具体指什么？",
])
def test_a_quoted_term_a_title_says_is_looked_up(real_library, question):
    answer = real_library.ask(question)
    assert answer.found and answer.intent is not Intent.SUMMARY, answer.text
    assert "传统临床试验以外" in answer.text, answer.text


def test_a_document_named_without_quotes_is_still_summarised(real_library):
    assert real_library.ask("真实世界数据那个指导原则主要讲了什么？").intent is Intent.SUMMARY


def test_a_quoted_file_name_still_names_the_document(real_library):
    """A name in quotation marks the text does not use ('“年第32号通告附件”', a file's name) names the document."""
    answer = real_library.ask("库里那个叫“年第32号通告附件”的文件，讲的是哪个产品？")
    assert answer.found and "乙型肝炎病毒基因分型" in answer.text, answer.text
