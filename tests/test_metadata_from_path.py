"""A date or a number the text does not state, read from where the file lies. Learnt from a blind question
('宫内节育器注册技术审查指导原则是什么时候发布的？'): none of the 29 real guidelines states its date or announcement number in
its text, and every such question was told '文件中未载明日期', though the library keeps each file in a folder named by the
day it was published and many file names carry the number ('…（2019年第25号）.doc'). The answer gives them, saying where
they come from, and cites the document by its title."""
from __future__ import annotations

import pytest

from assistant.catalogue import path_facts


@pytest.mark.parametrize("source, facts", [
    ("2019-05-22/宫内节育器注册技术审查指导原则（2019年第25号）.doc",
     {"date": ("2019-05-22", "所在文件夹“2019-05-22”"),
      "doc_number": ("2019年第25号", "文件名“宫内节育器注册技术审查指导原则（2019年第25号）.doc”")}),
    ("法规库/2021年5月8日/柠檬酸消毒液.doc", {"date": ("2021年5月8日", "所在文件夹“2021年5月8日”")}),
    ("公共卫生组/20231007/关于印发方案的通知〔2023〕26号.docx",
     {"date": ("20231007", "所在文件夹“20231007”"), "doc_number": ("〔2023〕26号", "文件名“关于印发方案的通知〔2023〕26号.docx”")}),
])
def test_a_dated_folder_and_a_numbered_file_name_are_read(source, facts):
    assert path_facts(source) == facts


@pytest.mark.parametrize("source", ["案例库/各地实践/经验.docx", "2021/方案.docx", "12345678/第32号.docx", "报告.pdf"])
def test_nothing_is_read_from_a_path_that_says_no_day_or_number(source):
    assert path_facts(source) == {}


@pytest.mark.parametrize("question, said", [
    ("人工韧带注册审查指导原则是哪天发布的？", "2021-12-20"),
    ("牙科玻璃离子水门汀那份原则的通告号是多少？", "2021年第30号"),
    ("真实世界数据用于临床评价的指导原则是什么时候印发的？", "2020-11-26"),
])
def test_a_date_or_number_the_text_does_not_state_comes_from_the_files_place(real_library, question, said):
    answer = real_library.ask(question)
    assert answer.found and said in answer.text and "正文未载明" in answer.text, answer.text
    assert answer.citations and answer.citations[0].clause.source.startswith(said[:4])


@pytest.mark.parametrize("question, date, number", [
    ("人工韧带注册审查指导原则是哪天发布的？", "2021-12-20", "2021年第103号"),
    ("真实世界数据用于临床评价的指导原则是什么时候印发的？", "2020-11-26", "2020年第77号"),
    ("柠檬酸消毒液那份指导原则什么时候出的？", "2021-05-08", "2021年第30号"),
])
def test_asked_when_a_document_was_published_the_answer_names_the_notice_that_published_it(real_library, question,
                                                                                             date, number):
    """'…是什么时候发布的': the day, and the announcement that published it (a blind question expected both)."""
    answer = real_library.ask(question)
    assert answer.found and date in answer.text and number in answer.text, answer.text
