"""'…要交些什么' asks for several things: 些 counts more than one, as 哪些 does. Learnt from a blind follow-up
('申请沟通交流的时候要交些什么？' after a question on the rare-disease guideline): one item of the list was quoted ('6.需
沟通交流的问题及拟采取的解决方案。') where the list's lead-in ('（二）在沟通交流申请时，应提交前期研究资料以及需沟通交流
的问题，可包含：') and its items answer."""
from __future__ import annotations

import pytest


@pytest.mark.parametrize("question", [
    "罕见病防治医疗器械申请沟通交流时应提交些什么？",
    "沟通交流申请时罕见病器械要交些什么材料？",
    "那沟通交流申请时要交些什么？",
])
def test_a_plural_what_gives_the_list(real_library, question):
    answer = real_library.ask(question, ["用于罕见病防治的器械能否在申报前与审评部门沟通？"] if question.startswith("那") else [])
    assert answer.found and "应提交前期研究资料" in answer.text, answer.text
    assert "罕见病的背景" in answer.text or "1.罕见病" in answer.text, answer.text
