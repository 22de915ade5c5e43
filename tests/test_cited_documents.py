"""A document the question names that the collection does not hold, only cites (issue 24): said to be absent, and
what the collection's own documents say about it given as theirs, never as that document's.

The shipped 八大工程 plan cites 《“健康贵州2030”规划纲要》; the 纲要 itself is not in the collection."""
from __future__ import annotations

import pytest

from assistant.catalogue import cited_names, cited_not_held, without_names
from assistant.textnorm import fold

TEXTS = ["为贯彻落实《“健康贵州2030”规划纲要》，制定本计划。", "依据《医疗器械监督管理条例》和《北京市中医药条例》。",
         "国家学生体质健康标准达标优秀率25%以上。", "铜表面积应符合《TCu宫内节育器》的要求。"]
TITLES = [fold("北京市中医药条例"), fold("卫生健康服务能力提升“八大工程”行动计划")]
CITED = cited_names(fold(t) for t in TEXTS)
BARE_TEXTS = [fold(t).replace("，", "").replace("。", "") for t in TEXTS]


def absent(question: str) -> tuple[str, ...]:
    return cited_not_held(fold(question), CITED, TITLES, lambda bare: any(bare in t for t in BARE_TEXTS))


def test_the_names_a_collection_cites_are_read_from_its_title_marks():
    assert CITED == {"健康贵州2030规划纲要", "医疗器械监督管理条例", "北京市中医药条例"}


@pytest.mark.parametrize("question, names", [
    ("健康贵州2030规划纲要对2020年每千常住人口执业医师提出什么目标？", ("健康贵州2030规划纲要",)),
    ("按“健康贵州2030”规划纲要，全科医生要达到多少？", ("健康贵州2030规划纲要",)),
    ("医疗器械监督管理条例对注册人有什么要求？", ("医疗器械监督管理条例",)),
    ("北京市中医药条例对中医馆有什么规定？", ()),  # the collection holds it
    ("国家学生体质健康标准达标优秀率要达到多少？", ()),  # cited nowhere in title marks: no document named
    ("2030年的目标是多少？", ()),
    ("TCu宫内节育器铜表面积标称值一般多大？", ()),  # a product in title marks is no document
])
def test_a_question_names_a_document_the_collection_only_cites(question, names):
    assert absent(question) == names


def test_a_cited_name_running_on_into_a_phrase_the_texts_write_names_no_document():
    texts = TEXTS + ["达标要求见《国家学生体质健康标准》。"]
    bare = [fold(t).replace("，", "").replace("。", "") for t in texts]
    written = lambda text: any(text in t for t in bare)  # noqa: E731
    cited = cited_names(fold(t) for t in texts)
    assert cited_not_held(fold("国家学生体质健康标准达标优秀率要达到多少？"), cited, TITLES, written) == ()
    assert cited_not_held(fold("国家学生体质健康标准对学生有什么要求？"), cited, TITLES, written) \
        == ("国家学生体质健康标准",)


def test_the_name_is_taken_out_of_what_is_asked_with_its_marks():
    assert without_names(fold("按“健康贵州2030”规划纲要，2020年全科医生要达到多少？"), ["健康贵州2030规划纲要"]) \
        == fold("按，2020年全科医生要达到多少？")


@pytest.mark.parametrize("question", [
    "健康贵州2030规划纲要对2020年每千常住人口执业医师提出什么目标？",  # the example
    "健康贵州2030规划纲要里2020年每千常住人口注册护士的目标是多少？",
    "按健康贵州2030规划纲要，2020年全科医生要达到多少？",
    "健康贵州2030规划纲要对执业医师有什么要求？",
])
def test_a_question_about_a_document_only_cited_says_it_is_not_held(shared_assistant, question):
    answer = shared_assistant.ask(question)
    assert answer.text.startswith("收录的文件中没有《健康贵州2030规划纲要》。")
    # the year in its name is no year asked ('文件中未找到2030年的这项内容' was said)
    assert "2030年的" not in answer.text
    if answer.found:  # what the plans say is given as theirs
        assert "以下是收录的其他文件中的相关内容，不是该文件本身的规定" in answer.text
        assert "八大工程" in answer.citations[0].document_title


def test_a_follow_up_of_such_a_question_is_about_it_too_until_a_held_document_is_named(shared_assistant):
    first = "健康贵州2030规划纲要对执业医师有什么要求？"
    assert shared_assistant.ask("那注册护士呢？", [first]).text.startswith("收录的文件中没有《健康贵州2030规划纲要》")
    held = shared_assistant.ask("那八大工程行动计划呢？", [first])
    assert held.found and "收录的文件中没有" not in held.text


def test_which_documents_cite_it_is_answered_from_the_collection(shared_assistant):
    answer = shared_assistant.ask("哪些文件提到了健康贵州2030规划纲要？")
    assert answer.found and "八大工程" in answer.citations[0].document_title


@pytest.mark.parametrize("question, subject", [
    ("诺如病毒抗原检测试剂注册的时候临床试验样本量怎么定？", "诺如病毒抗原检测试剂"),
    ("新冠病毒核酸检测试剂注册，临床试验至少要多少例样本？", "新冠病毒核酸检测试剂"),
    ("肌酐测定试剂的精密度要求是什么？", "肌酐测定试剂"),
])
def test_a_product_of_a_kind_the_library_covers_that_no_guideline_is_about_is_not_answered(real_library, question,
                                                                                         subject):
    # the library holds guidelines on 轮状病毒抗原检测试剂, 结核…核酸检测试剂, 胰岛素测定试剂…: none on these
    answer = real_library.ask(question)
    assert not answer.found and answer.text.startswith(f"收录的文件中没有关于“{subject}”的文件。")


@pytest.mark.parametrize("question", [
    "乙肝病毒基因分型检测试剂的临床样本要多少？",  # 乙肝 abbreviates the title's 乙型肝炎
    "轮状病毒抗原检测试剂的临床试验样本量怎么估算？",
    "胰岛素测定试剂的线性范围有什么要求？",
])
def test_a_product_a_guideline_is_about_is_answered_from_it(real_library, question):
    answer = real_library.ask(question)
    assert answer.found and "收录的文件中没有" not in answer.text


def test_the_subjects_a_catalogue_covers_are_read_from_its_titles():
    from assistant.catalogue import Catalogue
    titles = {f"{n}.doc": fold(t + "注册技术审查指导原则") for n, t in enumerate(
        ["轮状病毒抗原检测试剂", "结核分枝杆菌复合群核酸检测试剂", "B群链球菌核酸检测试剂", "胰岛素测定试剂",
         "C-肽测定试剂", "载脂蛋白B测定试剂"])}
    catalogue = Catalogue.of(titles)
    assert catalogue.kinds == {"检测试剂", "测定试剂"}  # each the tail of three titles or more
    assert catalogue.unknown_subjects(fold("那份诺如病毒抗原检测试剂的原则呢")) == ["诺如病毒抗原检测试剂"]
    assert catalogue.unknown_subjects(fold("HBV核酸检测试剂")) == []  # an acronym: judged by the documents' texts
    writing = {"2.doc": fold("B群链球菌（GBS）…")}.items()
    holding = lambda word: [source for source, text in writing if word in text]  # noqa: E731
    assert catalogue.unknown_subjects(fold("GBS核酸检测试剂"), holding) == []  # written by a guideline of its kind
    assert catalogue.unknown_subjects(fold("HPV核酸检测试剂"), holding) == ["hpv核酸检测试剂"]
    assert catalogue.unknown_subjects(fold("哪个单位起草了胰岛素测定试剂那份")) == []  # words before the subject
    assert catalogue.unknown_subjects(fold("这份原则适用于哪些检测试剂？")) == []  # words pointing at one
    assert catalogue.unknown_subjects(fold("新冠病毒核酸检测试剂")) == ["新冠病毒核酸检测试剂"]


# A product named by its acronym that no guideline is about was answered from another product's guideline (a blind
# question: HPV核酸检测试剂's number of trial sites, answered from the 轮状病毒 guideline's). An acronym a guideline of
# its kind writes (GBS in the B群链球菌 guideline, SMN1 in its title) still names what the library holds.
@pytest.mark.parametrize("question, subject", [
    ("HPV检测试剂的阳性判断值怎么确定？", "HPV检测试剂"),
    ("EBV核酸检测试剂要做哪些分析性能研究？", "EBV核酸检测试剂"),
    ("RSV抗原检测试剂的最低检测限有什么要求？", "RSV抗原检测试剂"),
])
def test_a_product_named_by_an_acronym_no_guideline_covers_is_said_not_to_be_held(real_library, question, subject):
    answer = real_library.ask(question)
    assert not answer.found and answer.text.startswith(f"收录的文件中没有关于“{subject}”的文件"), answer.text


@pytest.mark.parametrize("question", [
    "GBS核酸检测试剂的临床试验要几家机构？",
    "SMN1检测试剂的样本类型有哪些？",
    "HBV基因分型检测试剂用什么方法做参比？",
])
def test_a_product_named_by_an_acronym_a_guideline_writes_is_answered(real_library, question):
    answer = real_library.ask(question)
    assert answer.found and "收录的文件中没有" not in answer.text, answer.text


@pytest.mark.parametrize("question, row", [
    ("2018年那张征求意见稿联系方式表里，促卵泡生成素检测试剂指导原则是哪个单位牵头的？", "表1行3"),
    ("联系方式表里抗核抗体检测试剂那条的联系人是谁？", "表1行14"),
    ("征求意见稿联系方式Excel里糖化白蛋白测定试剂的牵头单位是哪家？", "表1行22"),
])
def test_a_subject_a_named_document_of_another_kind_lists_is_answered_from_it(real_library, question, row):
    # the spreadsheet lists guidelines the library does not hold: what it says of them is its content
    answer = real_library.ask(question)
    assert answer.found and answer.citations[0].clause.label.endswith(row)


@pytest.mark.parametrize("question, unit", [
    ("胰岛素测定试剂指导原则是由哪个单位编写的？", "重庆医疗器械质量检验中心"),
    ("人工韧带那份原则的起草单位是谁？", "国家药品监督管理局医疗器械技术审评中心"),
    ("C-肽测定试剂原则的编写单位是？", "河南省食品药品监督管理局"),
])
def test_who_drafted_a_guideline_is_read_from_its_own_part(real_library, question, unit):
    # '四、编写单位' / '六、起草单位' over one line: the value, cited where it stands (not "未载明发文单位")
    answer = real_library.ask(question)
    assert answer.found and f"起草单位：{unit}" in answer.text
    source = answer.citations[0].clause.source
    field = answer.citations[0].quotes[0]
    assert real_library.documents[source].text[field[0]:field[1]] == unit
