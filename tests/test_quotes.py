"""Which sentences of a clause are quoted. Learnt from a blind question ('毒理学至少要做哪几项试验？') whose answering
sentence stood right under the clause's heading line and was weighed as a heading. Three wordings."""
from __future__ import annotations

import pytest

from assistant.answering.quotes import best_sentences
from assistant.query import Query
from assistant.textnorm import fold, tokens

CLAUSE = ("（3）毒理学研究\n建议至少开展急性经口毒性试验和微核试验。按《消毒技术规范》中方法，适当参考WS 628-2018"
          "《消毒产品卫生安全评价技术要求》、GB/T 38496-2020《消毒剂安全性毒理学评价程序和方法》内容进行时，"
          "急性经口毒性试验应无毒性。微核试验应不致突变。")


def quoted_sentences(question: str, clause: str) -> list[str]:
    """The sentences of `clause` quoted for `question`, every term weighing alike."""
    folded = fold(question)
    query = Query(folded, folded, "", (), (), (), tuple(tokens(folded)), asked=folded)
    return [clause[s:e] for s, e in best_sentences(query, clause, 0, lambda term: 1.0)]


def quoted(question: str) -> str:
    return "".join(quoted_sentences(question, CLAUSE))


@pytest.mark.parametrize("question", [
    "透析机内部管路用的消毒液，毒理学至少要做哪几项试验？",
    "柠檬酸消毒液毒理学研究建议开展什么试验？",
    "消毒液的毒理学研究至少开展哪些试验？",
])
def test_the_sentence_under_a_heading_line_is_weighed_as_a_sentence(question):
    assert "建议至少开展急性经口毒性试验和微核试验" in quoted(question)


# A guideline repeats a rule word for word for two cases (结核 guideline: '其中，最终临床诊断为肺结核患者的病例不少于
# 100例…' after each of two kinds of comparison); the answer quoted it twice. Three wordings: it is quoted once.
REPEATED = ("如果某种样本类型适用于多种样本前处理方法，应进行不少于150例同源样本的对比试验。其中，最终临床诊断为肺结核患者的"
            "病例不少于100例，其他易混淆疾病的病例不少于50例。\n如果某种样本类型适用于多种核酸提取方法，应进行不少于150例同源"
            "样本的对比试验。其中，最终临床诊断为肺结核患者的病例不少于100例，其他易混淆疾病的病例不少于50例。")


@pytest.mark.parametrize("question", [
    "确诊肺结核的病例最少要多少例？",
    "肺结核患者病例不少于多少例？",
    "其他易混淆疾病的病例要多少例？",
])
def test_a_sentence_the_clause_repeats_is_quoted_once(question):
    quotes = quoted_sentences(question, REPEATED)
    assert quotes and len(quotes) == len(set(quotes)), quotes
    assert any("不少于100例" in q for q in quotes)


# Asked what is required of a measured property, the sentence setting its bounds in figures is the requirement
# itself; before, the quote ran out of room on how a range is established and left it out (a blind follow-up,
# '那线性范围有啥要求？', on the 胰岛素 guideline, whose clause this is). Three wordings.
LINEAR = ("3.线性范围与线性\n建立试剂线性范围所用的样本基质应尽可能与临床实际检测的样本相似，理想的样本为分析物浓度接近预期测定"
          "上限的混合人血清，且应充分考虑多倍稀释对样本基质的影响。建立一种定量测定方法的线性范围时，需在预期测定范围内选择 "
          "7—11 个浓度水平。例如，将预期测定范围加宽至 130%，在此范围内选择更多的浓度水平，然后依据实验结果逐渐减少数据点直至"
          "表现出线性关系，确定线性范围。线性范围的下限不高于5.0mIU/L，线性范围的上限不低于 160mIU/L。\n线性可使用试剂盒校准品"
          "进行验证，用双对数或其他适当的数学模型拟合，线性相关系数 r 应不低于 0.9900。")


@pytest.mark.parametrize("question", [
    "线性范围的要求是什么？",
    "对试剂的线性范围有哪些规定？",
    "线性范围要达到什么标准？",
])
def test_asked_for_a_requirement_the_sentence_bounding_it_in_figures_is_quoted(question):
    quotes = "".join(quoted_sentences(question, LINEAR))
    assert "线性范围的下限不高于5.0mIU/L" in quotes, quotes


# Learnt from a blind follow-up ('胰岛素测定试剂呢？' after '…按第几类管理？'): the scope part was quoted by its
# first sentences, not the one giving the class ('…管理类别为二类'). The class asked is quoted. Three new wordings:
@pytest.mark.parametrize("question, management_class", [
    ("胰岛素测定试剂按哪一类管理？", "二类"),
    ("载脂蛋白B测定试剂的管理类别是什么？", "二类"),
    ("牙科玻璃离子水门汀作为永久性置入材料属于第几类医疗器械？", "三类"),
])
def test_the_class_a_product_is_managed_in_is_quoted(real_library, question, management_class):
    answer = real_library.ask(question)
    assert answer.found and management_class in answer.text


# Learnt from a blind follow-up ('哪些情况下要延长？' after a question on 合成树脂牙's observation times): the clause
# lists the cases inline after its lead-in ('…如：①…。②…。③…。④其他…'), and only the item repeating the question's
# word (④) was quoted. Asked for several, the list is quoted from its lead-in to its last item. Three wordings:
INLINE_LIST = ("④临床观察时间\n根据合成树脂牙特点确定合适的临床观察及随访时间。建议临床试验观察时间点为佩戴修复体后１周、1个月、"
               "3个月、6个月。属于下列情形的建议适当延长临床试验观察时间，如：①合成树脂牙组成材料缺乏临床应用的安全数据。"
               "②缺乏申报产品临床观察期内（6个月）各性能趋于稳定的数据。③应用技术与已上市的合成树脂牙产品不同。"
               "④其他认为需要延长临床试验观察时间的情形。")


@pytest.mark.parametrize("question", [
    "哪些情况下要延长？",
    "观察时间需要延长的情形有哪几种？",
    "什么情况要延长观察时间？",
])
def test_asked_for_several_an_inline_list_is_quoted_whole(question):
    quotes = "".join(quoted_sentences(question, INLINE_LIST))
    for item in ("①合成树脂牙组成材料缺乏临床应用的安全数据", "②缺乏申报产品", "③应用技术", "④其他认为需要延长"):
        assert item in quotes, quotes
