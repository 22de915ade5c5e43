"""'自治区', '自治州' and '自治县' say what kind of area a place is, not which: the segmenter tags '自治州' as a place, and
'自治' was kept as one. Learnt from a plans question ('钦州2019年要点里，要创建几个自治区卫生县城和卫生镇？'): the 贵州 plan,
which names its autonomous prefectures ('黔东南苗族侗族自治州…'), counted 自治 among the places it is about, so every
question saying 自治区 named it and was answered as a comparison. Three new wordings."""
from __future__ import annotations

import pytest

from assistant.models import Intent
from assistant.query import tagged_places

GUIZHOU = "000_a7ee23972fa017a8.txt"


@pytest.mark.parametrize("text, places", [
    ("各自治州人民政府", ()),
    ("黔东南苗族侗族自治州、黔南自治州", ("黔东南苗族侗族", "黔南")),
    ("广西壮族自治区卫生健康委员会", ("广西壮族",)),
])
def test_an_administrative_word_alone_is_no_place(text, places):
    assert tagged_places(text) == places


def test_a_plan_is_not_about_the_word_autonomous(shared_assistant):
    assert "自治" not in shared_assistant.index.features.documents[GUIZHOU].places


@pytest.mark.parametrize("question", [
    "钦州2019年要点里，要创建几个自治区卫生县城？",
    "木垒和自治区第三人民医院签的是什么协议？",
    "钦州要争创多少个自治区级临床重点专科？",
])
def test_a_question_saying_autonomous_region_names_no_other_document(shared_assistant, question):
    understood = shared_assistant.understand(question)
    assert GUIZHOU not in understood.named and understood.intent is not Intent.COMPARISON, understood
