"""Lists that are not a heading's parts: a list written inside one clause, and the classes a table's first column
sorts its rows into (Learnt from blind questions: '“五个一批”…分别是哪五个一批' was answered with the parts of a
heading sharing two of its words; '附表里的主要危险（源）分了哪几大类' with the table's title alone.) Three new
wordings of each class, on the shipped plans and the real library."""
from __future__ import annotations

import pytest


@pytest.mark.parametrize("question", [
    "云州方案里的五个一批分别是哪五个？",
    "五个一批都有哪几个一批？",
    "推动资源下沉的“五个一批”分别指哪些？",
])
def test_a_list_written_inside_one_clause_is_quoted_from_it(shared_assistant, question):
    answer = shared_assistant.ask(question)
    assert answer.found and answer.citations[0].clause.label == "二（五）16"
    assert "派出一批" in answer.text and "指导一批" in answer.text


@pytest.mark.parametrize("question", [
    "重组胶原蛋白敷料的附表把危险源分成哪几类？",
    "重组胶原蛋白创面敷料原则附表的危险（源）有哪几大类？",
    "重组胶原蛋白创面敷料那份的产品主要危险（源）表分了哪几大类？",
])
def test_the_classes_of_a_tables_first_column_are_its_parts(real_library, question):
    answer = real_library.ask(question)
    assert answer.found
    assert [i.text.split("（")[0].replace(" ", "") for i in answer.items][:3] == ["生物学危险", "操作危险", "信息危险"]
    assert "按“危险（源）”分为" in answer.text
    # each class cites its rows, from the first to the last
    first = answer.citations[0]
    assert first.clause.label.endswith("行1") and first.quotes[0][1] > first.clause.end


@pytest.mark.parametrize("question, values", [
    ("柠檬酸消毒液的有效期至少多久？存放后主要成分含量最多下降多少？", ("12个月", "≤10%")),
    ("乙肝病毒基因分型试剂临床试验总例数要多少，B型和C型每种又要多少例？", ("500例", "200例")),
    ("乙肝基因分型试剂临床总样本至少多少例？B型、C型各要多少？", ("500例", "200例")),
])
def test_a_question_asking_two_figures_quotes_a_sentence_for_each(real_library, question, values):
    # each part of the question ('…多久？…多少？', '…总例数要多少，B型和C型每种又要多少例？') gets its own sentence
    # of the answering clause, which states one of the two figures
    answer = real_library.ask(question)
    assert answer.found and all(v in answer.text for v in values)


@pytest.mark.parametrize("question", [
    "罕见病防治器械沟通交流申请要交哪些资料？",
    "用于罕见病的器械申请沟通交流，需提交的资料包含什么？",
    "罕见病医疗器械沟通交流时要提交的前期研究资料有哪些？",
])
def test_an_item_asked_for_by_its_lists_lead_in_gives_the_whole_list(real_library, question):
    # the best clause was one item ('6.需沟通交流的问题…'); the words asked stand in the lead-in over the list
    answer = real_library.ask(question)
    assert answer.found and answer.citations[0].clause.label == "二（二）"
    assert "技术原理" in answer.text and "风险分析资料" in answer.text


# Learnt from a blind question ('罕见病防治器械那个指导原则包括哪些方面？'): a question naming a document and asking for
# its aspects, with no word of its own beyond the document's name, was answered with the parts of a heading that
# repeats the title's words ('（一）用于罕见病防治的医疗器械…'). It asks for the whole document's parts. Three new wordings:
@pytest.mark.parametrize("question, first_part", [
    ("侧孔钝针那份指导原则包括哪些方面？", "一、适用范围"),
    ("宫内节育器指导原则包含哪些方面？", "一、适用范围"),
    ("用于罕见病防治的医疗器械那份原则有哪几个方面？", "一、适用范围"),
])
def test_a_document_asked_for_its_aspects_by_its_name_alone_gives_its_parts(real_library, question, first_part):
    answer = real_library.ask(question)
    assert answer.found and "正文分为" in answer.lead, answer.text
    assert answer.items[0].text.replace(" ", "") == first_part


# Learnt from a blind question ('结核核酸检测试剂那个指导原则的名词解释部分解释了哪些术语？'): a question naming a heading
# of the document it names ('名词解释', '原材料', '产品说明书') and asking for several things of it was looked up, and one
# of the heading's parts quoted. It asks for the heading's parts. Three new wordings:
@pytest.mark.parametrize("question, heading, parts", [
    ("核酸扩增法检测试剂原则的原材料部分讲了哪些东西？", "（二）原材料", 6),
    ("结核核酸检测试剂的指导原则，产品说明书要写哪些项？", "（十）产品说明书", 10),
    ("结核分枝杆菌复合群核酸检测试剂指导原则的名词解释都包括哪些术语？", "三、名词解释", 7),
])
def test_a_heading_named_and_asked_for_several_things_gives_its_parts(real_library, question, heading, parts):
    answer = real_library.ask(question)
    assert answer.found and answer.intent.value == "outline", answer.text
    assert heading in answer.lead and len(answer.items) == parts, answer.text
