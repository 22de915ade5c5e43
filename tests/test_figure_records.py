"""A figure question is read against the document's target records (extracted at build time): the records say which
clause states a value of the thing asked and for which years, so the answer states the value and quotes the sentence
holding it, and a year the plan does not set is refused with the years it does set.

Learnt from questions written blind about the shipped plans and two national plans: '…要创建多少个国家卫生乡镇？'
was answered with the clause counting 国家临床重点专科 in the same words, '2025年…' of a plan setting 2020 and 2022
was refused without saying what the plan does set. Three or more wordings of each class, on the shipped corpus.
"""
from __future__ import annotations

import pytest

from assistant import answering
from assistant.answering.figure_records import asked_kind, holds_asked, names_indicator, reading_for
from assistant.targets import Target

GUIZHOU = "000_a7ee23972fa017a8.txt"


@pytest.mark.parametrize("question, year", [
    ("八大工程里2030年婴儿死亡率目标是多少？", "2030"),
    ("贵州2021年的5岁以下儿童死亡率要控制在多少？", "2021"),
    ("贵州2025年孕产妇死亡率要降到多少？", "2025"),
])
def test_a_year_the_plan_does_not_set_is_refused_with_the_years_it_sets(shared_assistant, question, year):
    answer = shared_assistant.ask(question)
    assert not answer.found
    assert answer.text.startswith(f"文件中未找到{year}年") and "只给出了“" in answer.text and "2020、2022年" in answer.text
    assert answer.citations[0].clause.source == GUIZHOU and answer.citations[0].clause.label == "一（三）"


@pytest.mark.parametrize("question, value", [
    ("贵州八大工程要创建多少个国家卫生乡镇？", "500 个以上"),
    ("八大工程要建成多少个院士工作站？", "50 个"),
    ("贵州每年要建多少个基层医疗卫生机构医养结合服务试点？", "50 个"),
    ("广州2023年要建多少个市三级名中医工作室", "140个"),
])
def test_the_answer_states_the_value_and_quotes_the_sentence_holding_it(shared_assistant, question, value):
    answer = shared_assistant.ask(question)
    assert answer.found
    first_line = answer.text.splitlines()[0]
    assert value in first_line  # the value as the plan writes it, before any quote
    cited = answer.citations[0]
    text = shared_assistant.index.documents[cited.source].text
    assert any(value in text[s:e] for s, e in cited.quotes)  # and the quote is the sentence stating it


@pytest.mark.parametrize("question, asked", [
    ("贵州2022年孕产妇死亡率要比2020年降低多少？", ("2022",)),  # 比2020年: what the value is compared with
    ("贵州孕产妇死亡率较2020年要下降到多少？", ()),
    ("贵州2022年婴儿死亡率要降到多少？", ("2022",)),
])
def test_a_year_a_value_is_compared_with_is_not_the_year_asked(shared_assistant, question, asked):
    retrieval = shared_assistant.retriever.retrieve(question)
    understood = answering.understand(question, retrieval, shared_assistant.context.documents)
    reading = reading_for(understood, shared_assistant.context)
    assert reading is not None and reading.years_asked == asked


@pytest.mark.parametrize("indicator", ["市(州)", "5岁", "人数"])
def test_a_name_too_short_to_tell_indicators_apart_names_none(indicator):
    record = Target("x.txt", "一", indicator, "", "2022", "9 个", 9.0, "个", "=", "target", "", 0, 3)
    assert names_indicator(record, "每个市(州)要有几所三级中医医院？5岁以下儿童人数") == 0.0


@pytest.mark.parametrize("question", [
    "每千人拥有社会体育指导员，基期水平是多少人",
    "居民健康素养水平的基线是多少",
    "成人肥胖增长率现状值大概多少？",
])
def test_which_figure_is_asked_names_no_thing_counted(question):
    from assistant.query import figure_nouns
    from assistant.textnorm import fold
    nouns = figure_nouns(fold(question), frozenset())
    assert not {"基期", "基线", "现状值"} & set(nouns)
    assert asked_kind(fold(question)) == "baseline"


@pytest.mark.parametrize("question, kind", [
    ("木垒实际做到多少了？", "achieved"), ("职业病危害项目申报率已经达到多少？", "achieved"),
    ("2030年目标是多少", ""), ("现在的吸烟率是多少", "baseline"),
])
def test_the_kind_of_figure_asked(question, kind):
    assert asked_kind(question) == kind


@pytest.mark.parametrize("sentence, nouns, holds", [
    ("60岁及以上老年人口达2.49亿，占总人口的17.9%。", ["老年人", "健康", "管理率"], False),
    ("到2022年，65岁及以上老年人健康管理率达到70%。", ["老年人", "健康", "管理率"], True),
    ("2022年,1/3 县级医院和1/5 县级中医医院分别达到国家“三级医院”服务能力要求。", ["医院", "服务", "能力"], True),
    ("全区共有乡镇卫生院11所，村卫生室86个。", ["家庭医生", "签约率"], False),
])
def test_a_record_answers_only_what_its_sentence_counts(sentence, nouns, holds):
    at = next(i for i, ch in enumerate(sentence) if ch.isdigit() and i > 2)
    record = Target("x.txt", "一", "x", "", "2022", "9", 9.0, "", "=", "target", "", at, at + 1)
    assert holds_asked(record, nouns, sentence) is holds
