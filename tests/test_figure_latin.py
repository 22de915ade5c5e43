"""A figure asked of a thing named in Latin letters ('HPV疫苗接种率') is not stated by a sentence giving the figure of
the kind of thing without them: a blind question on 适龄女生's HPV vaccination was answered with a table row on the
vaccination rate of every child. Three wordings, on the plans: 广州 vaccines girls against HPV but sets no rate for it."""
from __future__ import annotations

import pytest

from assistant.models import Intent


@pytest.mark.parametrize("question, letters", [
    ("HPV疫苗接种率要达到多少？", "HPV"),
    ("HPV疫苗的接种率要求多少？", "HPV"),
    ("DRG付费覆盖率要达到多少？", "DRG"),
])
def test_a_figure_of_a_thing_named_in_latin_letters_needs_them_in_the_sentence(shared_assistant, question, letters):
    answer = shared_assistant.ask(question)
    assert answer.intent is Intent.FIGURE
    quoted = "".join(shared_assistant.documents[c.source].text[s:e] for c in answer.citations for s, e in c.quotes)
    assert not answer.found or letters in quoted.upper(), answer.text


def test_the_letters_must_stand_in_the_sentence_stating_the_value(shared_assistant):
    """广州's clause names HPV in a sentence with no figure ('进一步扩大适龄女生HPV疫苗免费接种数量'), after one
    stating how many women are screened: that figure is not the HPV vaccination's."""
    answer = shared_assistant.ask("广州2023年HPV疫苗免费接种要扩大到多少？")
    assert not answer.found and "7万" not in answer.text, answer.text


def test_a_figure_whose_letters_the_sentence_writes_is_answered(real_library):
    answer = real_library.ask("SMN1检测试剂的临床试验总样本量至少要多少例？")
    assert answer.found and answer.intent is Intent.FIGURE, answer.text
