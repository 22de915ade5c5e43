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


def quoted(question: str) -> str:
    folded = fold(question)
    query = Query(folded, folded, "", (), (), (), tuple(tokens(folded)), asked=folded)
    return "".join(CLAUSE[s:e] for s, e in best_sentences(query, CLAUSE, 0, lambda term: 1.0))


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
    folded = fold(question)
    query = Query(folded, folded, "", (), (), (), tuple(tokens(folded)), asked=folded)
    quotes = [REPEATED[s:e] for s, e in best_sentences(query, REPEATED, 0, lambda term: 1.0)]
    assert quotes and len(quotes) == len(set(quotes)), quotes
    assert any("不少于100例" in q for q in quotes)
