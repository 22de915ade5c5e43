"""Of several values of one indicator in one place, the one stated with the case asked. Learnt from a blind follow-up
('临界阳性样本的阳性检出率要达到多少？' after a question on the 曲霉 guideline's precision): '临界阳性样本：…阳性检出率应≥95%'
stands beside '中/强阳性样本：…阳性检出率为100%', and the answer gave 100%: the record of the first was named '阳性检出率应≥',
as no other, where a requirement's modal and sign are no part of an indicator's name."""
from __future__ import annotations

import pytest


@pytest.mark.parametrize("question, value, case", [
    ("曲霉核酸检测试剂临界阳性样本的阳性检出率要达到多少？", "95%", "临界阳性样本"),
    ("曲霉核酸检测试剂中/强阳性样本的阳性检出率要求多少？", "100%", "中/强阳性样本"),
    ("结核分枝杆菌复合群核酸检测试剂弱阳性样本的阳性检出率要求多少？", "95%", "弱阳性样本"),
    ("曲霉试剂的精密度，临界阳性的阳性检出率得多少", "95%", "临界阳性样本"),
])
def test_the_value_stated_with_the_case_asked_answers(real_library, question, value, case):
    answer = real_library.ask(question)
    assert answer.found and value in answer.text and case in answer.text, answer.text
