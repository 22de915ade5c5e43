"""A document printed under a news heading ('中共中央 国务院印发《“健康中国2030”规划纲要》') with a publication note
('(2016 年 10 月 25 日 中共中央、国务院发布)') is titled by the document it prints, dated and issued by the note.

Seen on the public PDF of the 纲要 (tests/fixtures/indicator-plans): its title was the publication note, and the
note's date and issuer were lost.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from assistant.ingest import extract
from assistant.parser import parse_document

PLANS = Path(__file__).parent / "fixtures" / "indicator-plans"


def test_the_public_plan_is_titled_dated_and_issued_as_printed():
    path = PLANS / "“健康中国2030”规划纲要.pdf"
    extracted = extract(path.name, path.read_bytes())
    document = parse_document(path.name, extracted.text, pages=extracted.pages).document
    assert "".join(document.title.split()) == "“健康中国2030”规划纲要"
    assert document.issuer == "中共中央、国务院" and "".join(document.date.split()) == "2016年10月25日"
    for field in document.fields:  # every value cited where it stands
        assert "".join(document.text[field.start:field.end].split()) == "".join(field.value.split())


@pytest.mark.parametrize("heading, note, title, issuer", [
    ("国务院办公厅印发《深化医药卫生体制改革2024年重点工作任务》", "（2024年6月3日 国务院办公厅发布）",
     "深化医药卫生体制改革2024年重点工作任务", "国务院办公厅"),
    ("省卫生健康委印发《全省基层卫生健康工作要点》", "(2023年3月1日 省卫生健康委印发)", "全省基层卫生健康工作要点", "省卫生健康委"),
    ("市政府公布《健康城市建设规划》", "（2022 年 12 月 30 日 市人民政府公布）", "健康城市建设规划", "市人民政府"),
])
def test_a_news_heading_names_the_document_it_prints(heading, note, title, issuer):
    text = f"{heading}\n{note}\n一、总体要求\n坚持以人民健康为中心。\n"
    document = parse_document("x.txt", text).document
    assert document.title == title and document.issuer == issuer
    assert text[slice(*next((f.start, f.end) for f in document.fields if f.name == "title"))] == title


def test_a_covering_notice_keeps_its_own_title():
    text = "关于印发《全省基层卫生健康工作要点》的通知\n各市卫生健康委：\n现将工作要点印发给你们。\n"
    assert parse_document("x.txt", text).document.title == "关于印发《全省基层卫生健康工作要点》的通知"
