"""Documents named in a question by their titles' own words, as staff name them among many files."""
from __future__ import annotations

import pytest

from assistant.catalogue import Catalogue, head_of, tails_of
from assistant.textnorm import fold

TITLES = {
    "a.doc": "胰岛素测定试剂注册技术审查指导原则",
    "b.doc": "C-肽测定试剂注册技术审查指导原则",
    "c.doc": "载脂蛋白B测定试剂注册技术审查指导原则",
    "d.docx": "一次性使用无菌侧孔钝针注册审查指导原则（征求意见稿）",
    "e.docx": "用于罕见病防治医疗器械注册审查指导原则",
    "f.pdf": "硬脑（脊）膜补片注册技术审查指导原则",
}
CATALOGUE = Catalogue.of({s: fold(t) for s, t in TITLES.items()})
# Each document's text: its title, and what every guideline says (医疗器械, 用于, 临床, 注册审查 are everywhere).
TEXTS = {s: fold(t + "本指导原则用于指导医疗器械注册申请人准备临床评价和注册审查资料，要注意产品稳定性研究。")
         for s, t in TITLES.items()}
TEXTS["b.doc"] += fold("胰岛素原与C肽的交叉反应。")  # a name used by one other document too


def named(question: str) -> list[str]:
    return CATALOGUE.named_in(fold(question), lambda word: sum(word in t.replace("-", "") for t in TEXTS.values()),
                              len(TITLES))


def test_a_head_is_the_title_less_the_tail_other_titles_share():
    tails = tails_of(fold(t) for t in TITLES.values())
    assert head_of(fold(TITLES["a.doc"]), tails) == "胰岛素"
    assert head_of(fold(TITLES["d.docx"]), tails) == "一次性使用无菌侧孔钝针注册"  # 注册审查… ends only one other title


def test_a_catalogue_of_two_thousand_titles_is_made_in_well_under_a_second():
    import time

    titles = {f"{n}.doc": fold(f"第{n}号产品甲{n % 97}型试剂注册技术审查指导原则") for n in range(2000)}
    started = time.perf_counter()
    catalogue = Catalogue.of(titles)
    assert time.perf_counter() - started < 1.0
    assert catalogue.named_in(fold("第1234号产品的精密度怎么要求？"), lambda word: 1, 2000) == ["1234.doc"]


@pytest.mark.parametrize("question, documents", [
    ("胰岛素那份原则里，精密度怎么要求？", ["a.doc"]),
    ("那侧孔钝针呢？", ["d.docx"]),
    ("C肽试剂的参考区间要怎么确定？", ["b.doc"]),
    ("硬脑脊膜补片要做哪些动物实验？", ["f.pdf"]),
    ("罕见病器械原则第四部分讲什么？", ["e.docx"]),
    ("载脂蛋白B和胰岛素的线性范围要求有什么不同？", ["c.doc", "a.doc"]),
])
def test_a_question_names_documents_by_their_own_words(question, documents):
    assert named(question) == documents


@pytest.mark.parametrize("question", ["用于临床的医疗器械要注意什么？", "测定试剂的稳定性研究怎么做？", "注册审查要提交哪些资料？"])
def test_words_many_titles_or_texts_share_name_no_document(question):
    assert named(question) == []


# A question pointing at a document by a word many texts use ('结核那份指导原则…' where plans write 结核病 too) names
# it: before, the word named nothing, and the answer came from another guideline (a blind question). Three wordings.
@pytest.mark.parametrize("question", ["罕见病那份原则对临床评价怎么要求？", "罕见病的这个指导原则讲了什么？", "关于罕见病那篇，注册申请人要准备什么？"])
def test_a_common_word_names_the_document_a_question_points_at_by_it(question):
    everywhere = lambda word: len(TITLES)  # noqa: E731  (every text uses it)
    assert CATALOGUE.named_in(fold(question), everywhere, len(TITLES)) == ["e.docx"]
    assert CATALOGUE.named_in(fold("罕见病的诊断有什么要求？"), everywhere, len(TITLES)) == []  # not pointed at
    # pointed at by the end of another name: '…胶体金免疫层析分析仪那份' names no 分析仪 held
    assert CATALOGUE.named_in(fold("眼科罕见病那份原则呢？"), everywhere, len(TITLES)) == []


# A document named by a word many texts use followed by its title's kind of thing, in full or shortened ('结核核酸
# 检测试剂和B群链球菌核酸检测试剂…各是多少', '结核核酸试剂和乙肝…'), was not named, and the comparison answered one
# side only (blind questions). Three new wordings:
GUIDELINES = {
    "tb.docx": "结核分枝杆菌复合群核酸检测试剂注册技术审查指导原则",
    "gbs.docx": "B群链球菌核酸检测试剂注册技术审查指导原则（征求意见稿）",
    "asp.doc": "曲霉核酸检测试剂注册审查指导原则（征求意见稿）",
    "naat.doc": "核酸扩增法检测试剂注册技术审查指导原则",
    "ins.doc": "胰岛素测定试剂注册技术审查指导原则",
    "cp.doc": "C-肽测定试剂注册技术审查指导原则",
    "apob.doc": "载脂蛋白B测定试剂注册技术审查指导原则",
}


@pytest.mark.parametrize("question, documents", [
    ("结核核酸试剂的最低检测限怎么确定？", ["tb.docx"]),
    ("比较一下结核核酸检测和曲霉核酸检测的适用样本类型", ["tb.docx", "asp.doc"]),
    ("胰岛素测定试剂和C肽测定试剂的线性范围有什么不同？", ["ins.doc", "cp.doc"]),
])
def test_a_common_word_followed_by_its_titles_kind_names_the_document(question, documents):
    catalogue = Catalogue.of({s: fold(t) for s, t in GUIDELINES.items()})
    common = lambda word: 0 if word in ("曲霉", "c肽") else len(GUIDELINES)  # noqa: E731  (结核, 胰岛素: every text)
    assert catalogue.named_in(fold(question), common, len(GUIDELINES)) == documents


@pytest.mark.parametrize("question", [
    "核酸检测试剂的临床试验要多少例？",  # the kind alone, as several titles write it
    "结核病防治工作有哪些要求？",  # the word, not followed by the kind
    "结核和试剂有什么关系？",  # too little of the kind
])
def test_a_common_word_without_its_titles_kind_names_no_document(question):
    catalogue = Catalogue.of({s: fold(t) for s, t in GUIDELINES.items()})
    assert catalogue.named_in(fold(question), lambda word: len(GUIDELINES), len(GUIDELINES)) == []


def test_two_characters_inside_a_title_are_a_common_word_not_a_name():
    catalogue = Catalogue.of({"g.md": fold("广东省母婴保健管理条例"), "t.txt": fold("某县卫生健康工作要点"), "n.txt": fold("某市卫生工作要点")})
    assert catalogue.named_in(fold("孕产妇系统管理率要达到多少？"), lambda word: 1, 3) == []
    assert catalogue.named_in(fold("母婴保健条例对婚前检查怎么规定？"), lambda word: 1, 3) == ["g.md"]


@pytest.mark.parametrize("previous, followup, merged", [
    ("C肽测定试剂的空白限要做多少次重复检测？", "那胰岛素的呢？", "胰岛素测定试剂的空白限要做多少次重复检测？"),
    ("侧孔钝针的分类编码是多少？", "硬脑膜补片呢？", "硬脑膜补片的分类编码是多少？"),
    ("载脂蛋白B试剂的线性范围怎么要求？", "还有C肽的？", "C肽试剂的线性范围怎么要求？"),
])
def test_a_follow_up_naming_only_another_document_asks_the_same_of_it(previous, followup, merged):
    from assistant.catalogue import swap_document

    def names_at(text):
        return CATALOGUE.names_at(fold(text), lambda word: sum(word in t.replace("-", "") for t in TEXTS.values()),
                                  len(TITLES))

    assert swap_document(fold(previous), fold(followup), names_at) == fold(merged)
    assert swap_document(fold(previous), fold("那胰岛素的稳定性要求呢？"), names_at) is None  # asks something of its own


LIBRARY_FILES = [
    "2015-07-15/年第32号通告附件.docx",
    "2018-01-16/C-肽测定试剂注册技术审查指导原则.doc",
    "2018-01-16/载脂蛋白B测定试剂注册技术审查指导原则（扫描件）.pdf",
    "2018-10-08/未获取产品名-指导原则..xls",
    "2018-10-18/用于罕见病防治医疗器械注册审查指导原则.doc",
    "2021-04-15/实时荧光PCR分析仪注册技术审查指导原则（2021年第24号）.docx",
]


@pytest.mark.parametrize("question, named", [
    ("文件夹里那个叫“年第32号通告附件”的文件，其实是哪个产品的指导原则？", ["2015-07-15/年第32号通告附件.docx"]),
    ("年第32号通告附件讲的是什么？", ["2015-07-15/年第32号通告附件.docx"]),
    ("2018年10月存的那个excel表到底是什么内容？", ["2018-10-08/未获取产品名-指导原则..xls"]),
    ("那个xls表格里有几行？", ["2018-10-08/未获取产品名-指导原则..xls"]),
    ("2018年1月的那份扫描件讲的是什么？", ["2018-01-16/载脂蛋白B测定试剂注册技术审查指导原则（扫描件）.pdf"]),
    ("2018年10月放的word文件是哪份原则？", ["2018-10-18/用于罕见病防治医疗器械注册审查指导原则.doc"]),
])
def test_staff_name_a_document_by_its_file(question, named):
    from assistant.catalogue import named_by_file

    scanned = lambda source: "扫描件" in source
    assert named_by_file(fold(question), LIBRARY_FILES, scanned) == named


@pytest.mark.parametrize("question", [
    "哪些文件提到了钩状效应？", "word文档里的表格怎么填？", "2018年的原则有哪些要求？"])
def test_a_question_naming_no_file_names_none(question):
    from assistant.catalogue import named_by_file

    assert named_by_file(fold(question), LIBRARY_FILES) == []


# Plans whose titles hold one another's words: a national action plan, a county's report on carrying it out, a
# provincial plan; every text mentions the national plan.
PLANS = {"x.pdf": "健康中国行动（2019—2030年）", "m.txt": "木垒县“健康中国”行动工作落实情况",
         "g.txt": "健康贵州行动实施方案", "y.txt": "云州区卫生健康事业发展规划"}
PLAN_CATALOGUE = Catalogue.of({s: fold(t) for s, t in PLANS.items()})


def plan_names_at(text):
    return PLAN_CATALOGUE.names_at(fold(text), lambda word: len(PLANS), len(PLANS))  # every text uses every word


@pytest.mark.parametrize("question, document", [
    ("健康中国行动2022年的目标呢？", "x.pdf"),
    ("健康中国行动里吸烟率要降到多少？", "x.pdf"),
    ("按健康贵州行动实施方案，高血压患者规范管理率是多少", "g.txt"),
])
def test_a_whole_title_name_names_its_document_though_others_use_its_words(question, document):
    assert [source for source, _, _ in plan_names_at(question)] == [document]


@pytest.mark.parametrize("previous, followup, merged", [
    ("健康贵州行动实施方案里2030年吸烟率要低于多少？", "健康中国行动2022年的目标呢？",
     "健康中国行动里2030年吸烟率要低于多少？"),
    ("纲要里2030年人均体育场地面积不低于多少？", "健康中国行动的呢？", "健康中国行动 纲要里2030年人均体育场地面积不低于多少？"),
    ("纲要里心理健康素养水平2030年目标是多少？", "那健康中国行动里的要求呢？",
     "健康中国行动 纲要里心理健康素养水平2030年目标是多少？"),
])
def test_a_follow_up_naming_another_document_and_a_year_keeps_the_question(previous, followup, merged):
    from assistant.catalogue import swap_document

    assert swap_document(fold(previous), fold(followup), plan_names_at) == fold(merged)


def test_the_year_of_such_a_follow_up_replaces_the_earlier_one():
    from assistant.followups import Turn, merge_followup
    from assistant.catalogue import swap_document

    turn = merge_followup(Turn(fold("纲要里2030年人均体育场地面积不低于多少？")), fold("健康中国行动2022年的目标呢？"), [],
                          lambda previous, asked: swap_document(previous, asked, plan_names_at))
    assert turn.text == fold("健康中国行动 纲要里2022年人均体育场地面积不低于多少？")


@pytest.mark.parametrize("previous, followup, merged", [
    ("C-肽测定试剂按第几类管理？", "胰岛素测定试剂呢？", "胰岛素测定试剂按第几类管理？"),
    ("C-肽测定试剂的分类编码是多少？", "载脂蛋白B测定试剂的呢？", "载脂蛋白B测定试剂的分类编码是多少？"),
    ("胰岛素测定试剂的线性范围怎么要求？", "那C-肽测定试剂注册技术审查指导原则呢？",
     "c-肽测定试剂注册技术审查指导原则的线性范围怎么要求？"),
])
def test_a_follow_up_naming_another_document_by_more_of_its_title_asks_the_same_of_it(previous, followup, merged):
    # the words of the title said after the name ('测定试剂') are the name too, not something asked of its own
    from assistant.catalogue import swap_document

    def names_at(text):
        return CATALOGUE.names_at(fold(text), lambda word: sum(word in t.replace("-", "") for t in TEXTS.values()),
                                  len(TITLES))

    title_of = lambda source: fold(TITLES[source])  # noqa: E731
    assert swap_document(fold(previous), fold(followup), names_at, title_of) == fold(merged)
