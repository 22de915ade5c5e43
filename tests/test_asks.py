"""What a question's wording asks for is read once, into `Query.asks`; the strategies read that record."""
from __future__ import annotations

import pytest

from assistant.query import Query
from assistant.textnorm import fold
from assistant.asks import Asks


def asks(question: str, asked: str = "") -> Asks:
    folded = fold(question)
    return Query(question, folded, "", (), (), (), (), asked=fold(asked) or folded).asks


def test_a_record_field_is_asked_by_its_name():
    assert asks("钦州这份要点的文号是多少？").fields == ("doc_number",)
    assert asks("哪个单位发布的？什么时候？").fields == ("issuer", "date")
    assert asks("哪些文件是2023年发布的？").published_documents


@pytest.mark.parametrize("question", ["这份方案分哪几个部分？", "目录是什么", "整个文件的框架是怎样的"])
def test_the_whole_structure_is_asked(question):
    assert asks(question).whole_structure


def test_a_count_named_is_not_the_titles():
    wording = asks("广州那18项重点工程都是哪些？")
    assert wording.counted() == {18}
    assert wording.counted(fold("明确18项重点工程!2023年广州卫生健康工作将这么干")) == set()
    assert asks("八大工程是哪八个？").counted(fold("“八大工程”行动计划")) == {8}


def test_a_part_or_clause_named_by_number():
    assert asks("第3部分讲了什么？").ordinal_part == ("第3部分", "三")
    assert asks("云州方案的第25条是什么").numbered_clause == "第25条"
    assert asks("整体讲了什么").ordinal_part is None


def test_the_unit_and_scope_asked_are_the_turns_own():
    """A follow-up's unit, age or level is the one it types, not the earlier turn's carried over."""
    wording = asks("缝合强度要达到多少N 那撕裂强度呢 多少天", asked="那撕裂强度多少天")
    assert wording.unit == "天"
    assert asks("65岁及以上老年人健康管理率是多少").ages == ("65",)
    assert asks("准备建几个县级区域医疗次中心？").levels == ("县级",)
    assert asks("HPV疫苗接种率要达到多少").latin == ("hpv",)


def test_several_things_a_target_or_a_requirement():
    assert asks("包装验证的项目有哪些？").several
    assert not asks("包装验证怎么做？").several
    assert asks("孕产妇死亡率的目标是什么").target
    assert asks("线性范围有啥要求").requirement and not asks("线性范围有啥要求").target
    assert asks("要重复检测多少次").times


def test_the_class_a_product_is_managed_in():
    assert asks("C-肽测定试剂按第几类管理？").management_class
    assert asks("属于哪一类医疗器械").management_class
    assert not asks("风险分哪几类？").management_class
