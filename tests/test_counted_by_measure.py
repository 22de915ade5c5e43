"""A figure asked of a thing counted, named in words no clause uses ('几家医疗单位' of '不少于3家…临床试验机构', '几个粘牢' of
'6个试样中，至少有5个试样…粘接牢固'). Learnt from a blind question ('合成树脂牙和义齿基托的粘接试验，六个试样里要有几个粘牢
才行？'), refused as stating no figure of '粘牢'. The measure word after the figure word counts the same thing: a value
with it, beside the question's other words, answers. Four new wordings on the real library."""
from __future__ import annotations

import pytest


@pytest.mark.parametrize("question, value", [
    ("SMN1检测试剂临床试验至少要几家医疗单位参与？", "3 家"),
    ("B群链球菌核酸试剂的临床试验要在几家医疗单位开展？", "3家"),
    ("合成树脂牙粘接性能试验里，6个试样起码要几个粘得住？", "5个"),
    # the nouns counted need not stand in the clause either, when a value with the measure word does
    ("C肽测定试剂的临床试验至少要在几家医疗单位完成？", "2家"),
])
def test_the_measure_word_counts_what_the_question_names_otherwise(real_library, question, value):
    answer = real_library.ask(question)
    assert answer.found and value in answer.text, answer.text
