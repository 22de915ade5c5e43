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
from assistant.textnorm import fold

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
    understood = answering.understand(shared_assistant.retrieve(question))
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
    # the target and what was achieved, both asked
    ("申报率，几个文件里的要求和完成情况汇总一下", ""), ("目标是多少，实际做到了多少", ""), ("计划提出的和已经完成的各是多少", ""),
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
    assert holds_asked(record, [(n,) for n in nouns], sentence) is holds


@pytest.mark.parametrize("question, rows", [
    ("各地孕产妇死亡率目标分别是多少？", {"000_a7ee23972fa017a8.txt": "18/10 万", "004_7019475e6841841c.txt": "3.82/10万"}),
    ("几个文件里居民健康素养水平都是多少", {"000_a7ee23972fa017a8.txt": "18%", "001_a2c9650bb564f988.txt": "14%",
                                      "004_7019475e6841841c.txt": "38%"}),
    ("各个规划对免疫规划疫苗接种率的要求汇总一下", {"000_a7ee23972fa017a8.txt": "95%以上",
                                         "002_02c8256838811767.txt": "95%以上"}),
    # other quantifiers over the documents: 每份, 所有, 不同
    ("每份文件定的孕产妇死亡率是多少？", {"000_a7ee23972fa017a8.txt": "18/10 万", "004_7019475e6841841c.txt": "3.82/10万"}),
    ("所有方案里居民健康素养水平是多少", {"000_a7ee23972fa017a8.txt": "18%", "001_a2c9650bb564f988.txt": "14%",
                                    "004_7019475e6841841c.txt": "38%"}),
    ("不同计划对免疫规划疫苗接种率有什么要求", {"000_a7ee23972fa017a8.txt": "95%以上",
                                       "002_02c8256838811767.txt": "95%以上"}),
])
def test_one_figure_asked_of_each_document_is_a_row_per_document(shared_assistant, question, rows):
    answer = shared_assistant.ask(question)
    assert answer.found and len(answer.items) == len(rows)
    for item in answer.items:
        cited = answer.citations[item.citations[0] - 1]
        assert cited.source in rows and rows[cited.source] in item.text  # the value, as its plan writes it
        text = shared_assistant.index.documents[cited.source].text
        assert any(rows[cited.source] in text[s:e] for s, e in cited.quotes)
    silent = len(shared_assistant.index.documents) - len(rows)
    assert answer.text.splitlines()[-1] == f"其余{silent}份文件未给出。"


@pytest.mark.parametrize("question, value", [
    ("木垒全县免疫规划疫苗接种率实际达到多少？", "95%以上"),  # 实际: which figure, not a thing counted
    ("广州2022年孕产妇死亡率实际是多少", "3.82/10万"),
    ("木垒的职业病危害项目申报率已经到了多少", "97%"),
])
def test_an_achieved_figure_is_answered_as_the_report_states_it(shared_assistant, question, value):
    answer = shared_assistant.ask(question)
    assert answer.found and value in answer.text.splitlines()[0] and "实际" in answer.text.splitlines()[0]


@pytest.mark.parametrize("name, question, phrase", [
    ("适龄儿童免疫规划疫苗接种率", "免疫规划疫苗接种率各地要求多少", "免疫规划疫苗接种率"),
    ("重点行业的用人单位职业病危害项目申报率", "职业病危害项目申报率的目标", "职业病危害项目申报率"),
    ("农村适龄妇女宫颈癌和乳腺癌筛查覆盖率", "宫颈癌和乳腺癌筛查覆盖率各地是多少", "宫颈癌和乳腺癌筛查覆盖率"),
])
def test_a_topic_phrase_standing_whole_in_a_longer_name_names_it(name, question, phrase):
    record = Target("x.txt", "一", name, "", "2022", "9", 9.0, "", "=", "target", "", 0, 1)
    assert names_indicator(record, question) < 0.75 <= names_indicator(record, question, [phrase])


@pytest.mark.parametrize("history, followup, value", [
    ("贵州2022年孕产妇死亡率要降到多少？", "婴儿死亡率呢？", "7‰"),  # the same year, another indicator
    ("钦州2019年城乡居民健康素养水平要达到多少？", "那县域就诊率呢？", "90%以上"),
    ("木垒高血压健康管理率是多少？", "糖尿病健康管理率呢？", "55%"),
    # the document the earlier turn named by its title, not the city plan stating 人均期望寿命 as well
    ("八大工程行动计划里孕产妇死亡率2022年目标是多少？", "人均预期寿命呢？", "75 岁以上"),
])
def test_a_follow_up_naming_another_indicator_asks_its_figure_of_the_same_document_and_year(
        shared_assistant, history, followup, value):
    answer = shared_assistant.ask(followup, [history])
    assert answer.found and answer.intent.value == "figure"
    cited = answer.citations[0]
    assert any(value in shared_assistant.index.documents[cited.source].text[s:e] for s, e in cited.quotes)
    if "2022" in history:
        assert "2020 年" not in answer.text.splitlines()[0]


@pytest.mark.parametrize("question, breakdown", [
    ("贵州2022年城市孕产妇死亡率要降到多少", "城市"),
    ("八大工程里农村婴儿死亡率2022年目标是多少？", "农村"),
    ("钦州2019年农村居民健康素养水平要达到多少", "农村"),
])
def test_a_breakdown_the_plan_does_not_state_is_refused_with_what_it_does(shared_assistant, question, breakdown):
    answer = shared_assistant.ask(question)
    assert not answer.found
    assert answer.text.startswith(f"文件中未找到{breakdown}的这项内容") and "总体" in answer.text


@pytest.mark.parametrize("question, value", [
    ("2020年婴儿死亡率要降到多少？", "7.5‰"),  # naming no document: the one whose records state that year answers
    ("2020年5岁以下儿童死亡率目标是多少", "9.5‰"),
    ("2019年城乡居民健康素养水平要达到多少", "14%"),
    ("2022年孕产妇死亡率实际是多少", "3.82/10万"),
])
def test_a_question_naming_no_document_is_answered_by_the_one_stating_the_year(shared_assistant, question, value):
    answer = shared_assistant.ask(question)
    assert answer.found and value in answer.text.splitlines()[0]


@pytest.mark.parametrize("name, phrase", [
    ("利用三年时间按季度从全区二级医院抽调", "二级医院"),  # a clause's whole run read as a name
    ("每年培养引进执业助理医师其中定向到村卫生室服务", "卫生室服务"),
    ("争取国家和东部高水平医院为省内三级医院培养技术和管理骨干", "三级医院"),
])
def test_a_short_phrase_inside_a_long_run_names_no_indicator(name, phrase):
    record = Target("x.txt", "一", name, "", "2022", "9", 9.0, "", "=", "target", "", 0, 1)
    assert names_indicator(record, f"要有几所{phrase}？", [phrase]) < 0.75


@pytest.mark.parametrize("history, followup, value", [
    # another place (and year), nothing else of its own: the earlier question asked of that place
    (["贵州2022年孕产妇死亡率要降到多少？"], "那广州2022年实际是多少？", "3.82/10万"),
    (["2022年全省居民健康素养水平要提升到多少？", "那广州2023年定的目标是多少？"], "钦州当时定的2019年底目标又是多少",
     "14%"),  # 全省 was the earlier place's whole; 又是多少 asks it again
    (["钦州2019年婴儿死亡率要降到多少？"], "那贵州2022年呢？", "7‰"),
])
def test_a_follow_up_naming_another_place_asks_the_same_figure_of_it(shared_assistant, history, followup, value):
    answer = shared_assistant.ask(followup, history)
    assert answer.found and value in answer.text.splitlines()[0]


# A question may name an indicator in other words than the plan: '孩子' for 儿童, '医生' for 医师, '病人' for 患者.
# Words the dictionary (CC-CEDICT) glosses alike stand for each other, but only where that makes the question name a
# record; a name with more in it than the question asks ('老年人中医药健康管理率') is still another indicator.
@pytest.mark.parametrize("question, name, named", [
    ("12岁孩子的患龋率要控制在多少以内？", "12岁儿童患龋率", True),
    ("每千人口执业医生数2025年是多少？", "每千人口执业医师数", True),
    ("高血压病人规范管理率的目标是多少", "高血压患者规范管理率", True),
    ("老人健康管理率要达到多少？", "老年人健康管理率", True),
    ("65岁及以上老年人健康管理率的目标是多少", "老年人中医药健康管理率", False),
])
def test_an_indicator_named_in_other_words_is_the_plans(shared_assistant, question, name, named):
    from assistant.answering.figure_records import NAMED_SHARE, with_synonyms
    record = Target("x.txt", "一", name, "", "2025", "9", 9.0, "", "=", "target", "", 0, 1)
    variants = with_synonyms(question, [record.folded], shared_assistant.context.synonyms)
    best = max([names_indicator(record, question), *(names_indicator(record, v) for v in variants)])
    assert (best >= NAMED_SHARE) is named


def test_a_figure_asked_in_other_words_is_answered_from_its_record(shared_assistant):
    answer = shared_assistant.ask("贵州2022年5岁以下孩子死亡率要降到多少？")
    assert answer.found and "9‰" in answer.text.splitlines()[0]


# A turn that asks a figure of a year and names nothing to count ('到2030年要低于多少') is the earlier figure
# question of that year, though it has no '那…呢' to say so.
@pytest.mark.parametrize("history, followup, value", [
    (["贵州2022年孕产妇死亡率要降到多少？"], "到2020年要降到多少", "20/10 万"),
    (["八大工程里2020年婴儿死亡率目标是多少？"], "2022年要控制在多少以下？", "7‰"),
    (["贵州2022年5岁以下儿童死亡率要降到多少？"], "到2020年要低于多少呢", "9.5‰"),
])
def test_a_turn_naming_only_a_year_asks_the_earlier_figure_of_that_year(shared_assistant, history, followup, value):
    answer = shared_assistant.ask(followup, history)
    assert answer.found and value in answer.text.splitlines()[0]


# Staff write a year short ('22年的目标'): 19–35 before 年 is 2019–2035, not a span of years ('10年以上', '30年内').
@pytest.mark.parametrize("typed, read", [
    ("那22年的目标值呢", "那2022年的目标值呢"), ("心脑血管病死亡率30年底要压到多少", "心脑血管病死亡率2030年底要压到多少"),
    ("25年计划完成多少", "2025年计划完成多少"), ("工作10年以上的医生", "工作10年以上的医生"),
    ("近20年来的变化", "近20年来的变化"), ("30年内要建成", "30年内要建成"),
])
def test_a_year_written_short_is_read_in_full(typed, read):
    from assistant.query import full_years
    assert full_years(typed) == read


def test_a_figure_asked_with_a_short_year_is_answered(shared_assistant):
    answer = shared_assistant.ask("贵州22年孕产妇死亡率要降到多少？")
    assert answer.found and "18/10 万" in answer.text.splitlines()[0]


# A follow-up changes one slot and keeps the rest: another place keeps the earlier question but not its year when
# the other document sets another ('钦州呢' → its 2019 target, said as 2019's); a short noun is another thing counted
# ('床位呢'); a place and what was achieved ('木垒那边实际做到多少了？'); another document named with a year and
# '全国/全省' ('八大工程里22年的目标是多少', the earlier question's place dropped: it named the earlier document).
@pytest.mark.parametrize("history, followup, value", [
    (["贵州2022年全省居民健康素养水平要提升到多少？"], "钦州呢", "2019年目标14%"),
    (["广州2022年全市医疗卫生机构有多少个？"], "床位呢", "11.05万张"),
    (["贵州2022年重点行业用人单位职业病危害项目申报率要求多少"], "木垒那边实际做到多少了？", "97%"),
    (["钦州2019年居民健康素养水平要达到多少？"], "八大工程里22年的全省目标是多少", "18%"),
])
def test_a_follow_up_changes_one_slot_of_the_figure_asked(shared_assistant, history, followup, value):
    answer = shared_assistant.ask(followup, history)
    assert answer.found and value in answer.text


# '那2022年的目标值呢' after a question about the base level: the same indicator, of that year and that kind.
@pytest.mark.parametrize("earlier, followup", [
    ("健康中国行动里婴儿死亡率的基期水平是多少？", "那22年的目标值呢"),
    ("居民健康素养水平的基线是多少", "2030年的目标呢"),
    ("吸烟率现状值是多少", "那2022年要求是多少"),
])
def test_a_follow_up_asking_another_kind_of_figure_drops_the_earlier_kind(earlier, followup):
    from assistant.followups import resolve_followups
    from assistant.query import full_years
    turn = resolve_followups(full_years(followup), [earlier], lambda text: [])
    assert asked_kind(fold(turn.text)) == "" and any(y in turn.text for y in ("2022", "2030"))


# A figure question whose best clause answers with sentences stating no number ('…控制在全国平均水平以下', '加强对
# 茅台医院…的指导') is refused, saying what the sentence does say, not quoted as the answer.
@pytest.mark.parametrize("question, said", [
    ("八大工程2022年法定传染病总发病率要控制在每10万人多少以下", "全国平均水平以下"),
    ("贵州2022年甲乙丙类法定传染病总发病率要控制在多少？", "全国平均水平以下"),
    ("贵州要求茅台医院达到几级", "茅台医院"),
])
def test_a_figure_question_answered_by_sentences_without_a_number_is_refused(shared_assistant, question, said):
    answer = shared_assistant.ask(question)
    assert not answer.found and "只说“" in answer.text and said in answer.text


# A target asked ('…的目标是多少', '要求达到多少') of a document stating only what was achieved is refused, with the
# achieved value it does state; asked what was achieved, the same document answers.
@pytest.mark.parametrize("question, value", [
    ("木垒高血压健康管理率的目标是多少", "实际52%"),
    ("广州孕产妇死亡率目标定的多少", "2022年实际3.82/10万"),
    ("木垒严重精神障碍患者规范管理率要求达到多少？", "实际90%以上"),
])
def test_a_target_asked_of_what_a_report_states_as_achieved_is_refused_with_it(shared_assistant, question, value):
    answer = shared_assistant.ask(question)
    assert not answer.found and "的目标：" in answer.text and value in answer.text
    assert shared_assistant.ask(question.replace("的目标", "实际").replace("目标定的", "实际").replace("要求达到", "实际达到")).found


# An indicator named word for word, moving with no number ('新发生近视率明显下降', '人均健康预期寿命显著提高'), in a
# sentence whose numbers are other indicators': refused, saying what the sentence says of it.
@pytest.mark.parametrize("names, said, refused", [
    (["新发生近视率"], ["指导学校落实疫情防控各项措施,新发生近视率明显下降。"], True),
    (["人均健康预期寿命"], ["2030年人均预期寿命达到 79.0 岁，人均健康预期寿命显著提高。"], True),
    (["糖尿病并发症筛查率到"], ["糖尿病患者规范管理率分别达到60%和70%；糖尿病治疗率、糖尿病并发症筛查率持续提高。"], True),
    (["循环次数"], ["最大载荷-循环次数失效趋势图中，数据组应不小于 6 组"], False),  # named, but not moving
    (["居民健康素养水平"], ["指标：居民健康素养水平（%）；基期水平：14.18；2022年目标值：≥22"], False),  # a table row
])
def test_an_indicator_named_moving_without_a_number_is_found(names, said, refused):
    from assistant.answering.checks import named_without_number
    assert bool(named_without_number(names, said)[0]) is refused


def test_a_figure_of_an_indicator_said_only_to_move_is_refused(shared_assistant):
    answer = shared_assistant.ask("木垒新发生近视率要下降多少？")
    assert not answer.found and "只说“新发生近视率明显下降”" in answer.text


# A turn naming a clause asks that clause, whatever figure question came before it (it names something).
@pytest.mark.parametrize("earlier, turn", [
    ("广州2023年计划培养多少名基层医生？", "云州区方案的二（二）4讲什么"),
    ("贵州2022年孕产妇死亡率要降到多少？", "木垒报告的一（三）3是什么内容"),
    ("钦州2019年居民健康素养水平要达到多少？", "云州区方案的二（三）13讲了什么"),
])
def test_a_turn_naming_a_clause_does_not_lean_on_an_earlier_figure_question(earlier, turn):
    from assistant.followups import resolve_followups
    assert resolve_followups(turn, [earlier], lambda text: [p for p in ("广州", "云州", "贵州", "木垒", "钦州")
                                                              if p in text]).text == turn


# Learnt from a blind follow-up ('3岁以下的孩子呢？' after '…65岁以上老人有多少'): the plan says 3岁以下儿童.
def test_a_follow_up_in_a_word_glossed_alike_finds_what_the_plan_says(shared_assistant):
    answer = shared_assistant.ask("木垒65岁以上居民接受中医药健康管理的有多少人")
    assert answer.found and "7008" in answer.text, answer.text
    answer = shared_assistant.ask("那3岁以下的孩子呢？", ["木垒全年接收中医药健康管理的65岁以上老人有多少"])
    assert answer.found and "1031" in answer.text, answer.text


@pytest.mark.parametrize("word, alike, text", [
    ("孩子", "儿童", "3岁以下儿童1031人"),
    ("病人", "患者", "对家庭医生转诊的患者实施优先就诊"),
    ("医生", "医师", "每千人口执业（助理）医师达到2.5人"),
])
def test_a_named_document_saying_a_word_glossed_alike_is_not_silent(word, alike, text):
    from assistant.answering.checks import silent_documents
    from assistant.query import Query

    query = Query(word, word, "", (), (), (), (word,), topic=(word,), asked=word)
    texts = {"named.txt": text, "other.txt": f"其他文件说到{word}。"}
    silent = lambda synonyms: silent_documents(query, ["named.txt"], texts, texts.get, lambda t: 1.0,
                                               synonyms=synonyms)
    assert silent(lambda w: ()) == ["named.txt"]  # as written, only the other document says it
    assert silent(lambda w: [alike] if w == word else []) == []


@pytest.mark.parametrize("question, clause, other", [
    ("65岁及以上老年人健康管理率的目标是多少", "60 岁及以上老年人口达 2.49 亿，占总人口的 17.9%。", "65"),
    ("3岁以下儿童系统管理率要达到多少", "7岁以下儿童健康管理率达到85%以上。", "3"),
    ("15岁以上人群吸烟率要降到多少", "15 岁及以上人群烟草使用流行率下降到25%以内。", ""),   # the same age: no conflict
])
def test_a_clause_stating_another_age_group_does_not_answer_the_age_asked(question, clause, other):
    """Learnt from a blind question ('65岁及以上老年人健康管理率的目标是多少' answered with the 60岁 population)."""
    from assistant.answering.figure_checks import of_another_age
    from assistant.asks import read_asks

    assert of_another_age(read_asks(question, question), clause) == other


def test_a_figure_asked_of_every_document_says_whose_each_plan_is(shared_assistant):
    """Among many plans a title that names no place ('卫生健康服务能力提升“八大工程”行动计划') is said with its place, as
    which-documents answers say it; a title naming its place (广州) is left as it is."""
    answer = shared_assistant.ask("各地孕产妇死亡率目标分别是多少？")
    assert answer.found and "《卫生健康服务能力提升“八大工程”行动计划(2019—2022年)》（贵州）孕产妇死亡率" in answer.text
    assert "广州卫生健康工作将这么干》孕产妇死亡率" in answer.text
