"""The UI's renderers and event handlers, called directly with the real Assistant (no browser)."""
from __future__ import annotations

import html
import re
import socket
from html.parser import HTMLParser
from urllib.parse import parse_qs

import pytest

from assistant import ui
from assistant.models import Answer, AnswerItem, Citation, Clause, Document, Intent

Q2022 = "2022年孕产妇死亡率的目标是多少？"
BADA = "000_a7ee23972fa017a8.txt"  # the 八大工程 plan
YUNZHOU = "003_0200143d345726b6.txt"
XSS = [
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    '"><svg onload=alert(1)>',
    "<a href=\"javascript:alert(1)\">x</a>",
    "${alert(1)} {{constructor.constructor('alert(1)')()}} `x` \\",
    "**bold** [link](javascript:alert(1)) $$x$$",
]
ALLOWED_TAGS = {"div", "span", "a", "mark", "br", "ol", "ul", "li", "nav"}


@pytest.fixture(scope="module")
def assistant(shared_assistant):
    return shared_assistant


class TagAudit(HTMLParser):
    """Every tag and attribute in a piece of HTML."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_data(self, data):
        self.text.append(data)


def audit(markup: str) -> TagAudit:
    parser = TagAudit()
    parser.feed(markup)
    parser.close()
    return parser


def assert_inert(markup: str) -> None:
    """Only our own tags and attributes: no script, no handler, no foreign link, no template syntax."""
    for tag, attrs in audit(markup).tags:
        assert tag in ALLOWED_TAGS, (tag, markup[:300])
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name)
            assert name in {"class", "id", "role", "href", "title", "data-source", "data-label"}, (tag, name)
            if name == "href":
                assert value.startswith(("#pa-open?", "#pa-ask?")), value
    for raw in ("${", "{{", "`"):
        assert raw not in markup


def plain(markup: str) -> str:
    """The visible text of a piece of HTML."""
    return html.unescape(re.sub(r"<br>", "\n", re.sub(r"<(?!br>)[^>]+>", "", markup)))


def answer_body(markup: str) -> str:
    """The HTML of an answer's words (lead, lists, prose), without the citation list under them."""
    match = re.search(r'<div class="pa-msg pa-answer-text">(.*?)</div>(?=<div class="pa-cites">|$)', markup, re.S)
    return match.group(1) if match else ""


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def answer_text(message: dict) -> str:
    return plain(answer_body(message["content"]))


def ask(assistant, question, session=None):
    """(chat messages, session, sources) after asking `question` in `session` (a new one by default)."""
    return ui.respond(assistant, question, session)


def session_with(assistant, *questions):
    session = None
    for question in questions:
        _, session, _ = ask(assistant, question, session)
    return session


# --- answering -------------------------------------------------------------------------------


def test_answer_comes_whole_with_its_citations(assistant):
    chat, session, sources = ask(assistant, Q2022)
    assert [m["role"] for m in chat] == ["user", "assistant"]
    assert plain(chat[0]["content"]) == Q2022
    final = chat[-1]["content"]
    assert "18/10" in answer_text(chat[-1])
    assert "pa-cites" in final and "引用" in final
    assert re.search(r"\[1\]</span> 《卫生健康服务能力提升“八大工程”行动计划", final)
    assert BADA in final and "一（三）" in final
    assert session.questions == [Q2022]
    assert_inert(final)
    assert_inert(sources)


def test_sources_show_each_cited_clause_escaped_with_highlight(assistant):
    answer = assistant.ask(Q2022, [])
    sources = ui.render_sources(answer, assistant.documents, assistant.outline)
    assert_inert(sources)
    assert len(re.findall(r'<div class="pa-card[ "]', sources)) == len(answer.citations)
    # the answering sentence is highlighted, inside the full clause text
    marks = re.findall(r'<mark class="pa-quote">(.*?)</mark>', sources)
    assert marks and "18/10" in plain(marks[0])
    bodies = re.findall(r'<div class="pa-clause-text">(.*?)</div>', sources, re.S)
    for citation, body in zip(answer.citations, bodies):
        whole = ui.containing_clause(assistant.outline(citation.source), citation.start)
        gaps = ui.page_break_gaps(whole.text)  # shown joined (see the page-break test below)
        assert plain(body) == "".join(whole.text[s:e] for s, e in zip([0] + [e for _, e in gaps], [s for s, _ in gaps] + [len(whole.text)]))
    assert "000_a7ee23972fa017a8.txt" in sources
    assert "一、目标任务 › （三）诊疗技术更加先进" in plain(sources)
    # issuer and date appear where the document has them
    qz = assistant.ask("What does Qinzhou plan for 家庭医生签约?", [])
    qz_sources = ui.render_sources(qz, assistant.documents, assistant.outline)
    assert "欽州市衛生健康委員會" in qz_sources and "2019年5月10日" in qz_sources


def test_follow_up_uses_earlier_questions(assistant):
    chat, session, _ = ask(assistant, "2020年孕产妇死亡率的目标是多少？")
    assert "20/10" in answer_text(chat[-1])
    chat, session, _ = ask(assistant, "那2022年呢？", session)
    assert "18/10" in answer_text(chat[-1])
    assert session.questions == ["2020年孕产妇死亡率的目标是多少？", "那2022年呢？"]
    assert len(chat) == 4


def test_not_found_lists_possibly_related_clauses():
    clause = Clause("f.txt", "一（一）", ("一、总则", "（一）范围"), "范围", "（一）范围。适用于全市。", 0, 12)
    answer = Answer("火星基地？", "文件中未找到与该问题直接对应的内容。", False,
                    (Citation(clause, "某规划", 0.5, ()),))
    message = ui.render_answer_message(answer)
    assert "可能相关" in message and "引用" not in message
    doc = Document("f.txt", "某规划", clause.text, "0" * 64)
    sources = ui.render_sources(answer, {"f.txt": doc}, lambda s: (clause,))
    assert "可能相关" in sources and "pa-quote" not in sources


# --- list answers ----------------------------------------------------------------------------

OUTLINE_Q = "云州区方案的保障措施有哪几条？"
METADATA_Q = "广州18项重点工程是哪个单位发布的？什么时候？"
GUANGZHOU = "004_7019475e6841841c.txt"
LIST_QUESTIONS = [  # one per kind of list answer
    OUTLINE_Q, METADATA_Q, "云州政办发〔2023〕26号是什么文件？", "广州18项重点工程是哪个单位发布的？文号是什么？",
    "哪些文件提到了远程医疗？", "木垒和广州在中医药方面各有什么安排？", "钦州和广州对地中海贫血防治分别有什么安排？",
    "简单介绍一下木垒县的落实情况报告", "谢谢，你能做什么？",
]


def squeezed(text: str) -> str:
    """Text without white space and the '·' bullets a list takes over."""
    return re.sub(r"[\s·]", "", text)


def list_entries(markup: str) -> list[str]:
    """The HTML of each <li> of the answer's lists (not of the citation list under it)."""
    return re.findall(r"<li(?: class=\"[^\"]*\")?>(.*?)</li>", answer_body(markup), re.S)


def link_target(link_html: str) -> dict:
    href = html.unescape(re.search(r'href="([^"]+)"', link_html).group(1))
    kind, _, query = href.partition("?")
    return {"kind": kind, **{k: v[0] for k, v in parse_qs(query).items()}}


@pytest.mark.parametrize("question", LIST_QUESTIONS)
def test_list_answers_show_every_item_and_all_their_text(assistant, question):
    answer = assistant.ask(question, [])
    assert answer.items, answer.intent
    markup = ui.render_answer_message(answer)
    assert_inert(markup)
    entries = list_entries(markup)
    assert len(entries) == len(answer.items)
    for item, entry in zip(answer.items, entries):
        assert plain(entry) == item.text + "".join(f"[{n}]" for n in item.citations)
    # nothing of the plain-text answer is lost: lead, items, lines between or after them, and every mark
    shown = plain(answer_body(markup))
    assert re.sub(r"\[\d+\]", "", squeezed(shown)) == re.sub(r"\[\d+\]", "", squeezed(answer.text))
    assert set(re.findall(r"\[\d+\]", answer.text)) <= set(re.findall(r"\[\d+\]", shown))
    if answer.lead:
        assert plain(re.search(r'<div class="pa-para">(.*?)</div>', markup, re.S).group(1)) == answer.lead


def test_outline_items_are_a_list_whose_marks_open_their_clauses(assistant):
    answer = assistant.ask(OUTLINE_Q, [])
    markup = ui.render_answer_message(answer)
    assert '<ul class="pa-list pa-numbered">' in markup  # the items carry their own numbers (（一）…)
    entries = list_entries(markup)
    assert [plain(e) for e in entries][:2] == ["（一）强化组织领导[1]", "（二）加大资金投入[2]"]
    for number, entry in enumerate(entries, 1):
        citation = answer.citations[number - 1]
        target = link_target(entry)
        assert target == {"kind": "#pa-open", "s": YUNZHOU, "at": str(citation.start), "q": ui.quotes_attr(citation.quotes)}
        doc, source, label = ui.open_clause(assistant, target["s"], target["at"], target["q"])
        assert source == YUNZHOU and label == f"四（{'一二三四'[number - 1]}）"
        heading = answer.items[number - 1].text[3:]  # '强化组织领导' of '（一）强化组织领导'
        assert focused_text(doc)[3:].startswith(heading)  # the file writes '(一)强化组织领导。…'


def test_prose_around_the_items_stays(assistant):
    summary = assistant.ask("简单介绍一下木垒县的落实情况报告", [])
    paras = [plain(p) for p in re.findall(r'<div class="pa-para">(.*?)</div>', ui.render_answer_message(summary), re.S)]
    assert paras[0] == summary.lead and "文中的主要数字：" in paras  # two lists, the heading between them
    no_number = assistant.ask("广州18项重点工程是哪个单位发布的？文号是什么？", [])
    markup = ui.render_answer_message(no_number)
    assert re.findall(r'<div class="pa-para">(.*?)</div>', markup)[-1] == "文件中未载明文号。"


def test_answer_whose_items_are_not_in_its_text_is_shown_as_text():
    clause = Clause("f.txt", "一", ("一、总则",), "总则", "一、总则", 0, 5)
    answer = Answer("问", "第一行[1]\n第二行", True, (Citation(clause, "某规划", 1.0),), intent=Intent.OUTLINE,
                    lead="第一行", items=(AnswerItem("别处的文字", (1,)),))
    markup = ui.render_answer_message(answer)
    assert "<li>" not in answer_body(markup) and answer_text({"content": markup}) == answer.text


def test_a_side_that_does_not_say_it_is_subdued(assistant):
    answer = assistant.ask("钦州和广州对地中海贫血防治分别有什么安排？", [])
    assert answer.not_stated == (GUANGZHOU,)
    silent = re.findall(r'<li class="pa-not-stated">(.*?)</li>', ui.render_answer_message(answer), re.S)
    assert len(silent) == 1 and "广州" in plain(silent[0]) and "pa-open" not in silent[0]


def test_help_examples_are_links_that_ask_them(assistant):
    answer = assistant.ask("谢谢，你能做什么？", [])
    assert answer.intent is Intent.CONVERSATION and not answer.citations
    markup = ui.render_answer_message(answer)
    assert "pa-cites" not in markup and "pa-open" not in answer_body(markup)
    entries = list_entries(markup)
    assert [link_target(e) for e in entries] == [{"kind": "#pa-ask", "q": i.text} for i in answer.items]
    assert all('class="pa-ask" role="button"' in e for e in entries)


def test_list_answer_shows_its_list(assistant):
    chat, _, _ = ask(assistant, OUTLINE_Q)
    answer = assistant.ask(OUTLINE_Q, [])
    final = chat[-1]["content"]
    assert final == ui.render_answer_message(answer) and len(list_entries(final)) == 4


# --- sessions --------------------------------------------------------------------------------


def test_the_conversation_is_kept_on_the_server_and_bounded(assistant):
    """The chat keeps its newest MAX_TURNS turns; a follow-up still leans on the latest question."""
    from assistant.ui.session import MAX_CONTEXT_QUESTIONS, MAX_TURNS

    session = None
    for year in range(MAX_TURNS + 5):
        chat, session, _ = ask(assistant, f"{2000 + year}年孕产妇死亡率的目标是多少？", session)
    assert len(session.turns) == MAX_TURNS and len(chat) == 2 * MAX_TURNS
    assert plain(chat[0]["content"]) == "2005年孕产妇死亡率的目标是多少？"  # the oldest five scrolled away
    assert len(session.questions) == MAX_CONTEXT_QUESTIONS
    chat, session, _ = ask(assistant, "那2022年呢？", session_with(assistant, "2020年孕产妇死亡率的目标是多少？"))
    assert "18/10" in answer_text(chat[-1])


def test_a_chat_is_capped_by_size_too():
    from assistant.ui.session import MAX_CHAT_CHARS, Session, Turn

    big = Turn("问", "问", "答" * (MAX_CHAT_CHARS // 3), answered=True)
    session = Session()
    for _ in range(5):
        session = session.add(big)
    assert len(session.turns) == 2 and sum(t.chars for t in session.turns) <= MAX_CHAT_CHARS
    huge = Turn("问", "问", "答" * (MAX_CHAT_CHARS * 2), answered=True)
    assert session.add(huge).turns == (huge,)  # the newest turn is always kept


def test_a_session_gets_one_answer_at_a_time(assistant):
    in_flight = ui.InFlight()
    with in_flight.claim("session-a") as free:
        assert free
        chat, session, sources = ui.respond_in_turn(assistant, in_flight, "session-a", Q2022, None)
        assert plain(chat[-1]["content"]) == ui.BUSY and session.turns == () and sources == {"__type__": "update"}
        other, _, _ = ui.respond_in_turn(assistant, in_flight, "session-b", Q2022, None)
        assert "18/10" in answer_text(other[-1])
    chat, session, _ = ui.respond_in_turn(assistant, in_flight, "session-a", Q2022, None)
    assert "18/10" in answer_text(chat[-1]) and session.questions == [Q2022]


# --- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize("question", ["", "   \n ", None])
def test_empty_question_gets_a_short_message(assistant, question):
    earlier = session_with(assistant, Q2022)
    chat, session, _ = ask(assistant, question, earlier)
    assert len(chat) == 3 and chat[-1]["role"] == "assistant"
    assert "请输入问题" in plain(chat[-1]["content"])
    assert session.questions == [Q2022]


def test_huge_question_gets_a_short_message(assistant):
    question = "孕产妇" * 34000  # 102,000 characters
    chat, session, _ = ask(assistant, question)
    reply = plain(chat[-1]["content"])
    assert "问题过长" in reply and len(reply) < 80
    assert "question too long" not in reply  # Chinese only
    assert len(chat[0]["content"]) < 1000  # the pasted text is not echoed whole
    assert "102000" in chat[0]["content"]
    assert session.questions == []


def test_control_character_gets_a_short_message(assistant):
    chat, session, _ = ask(assistant, "孕产妇\x00死亡率")
    assert "控制字符" in plain(chat[-1]["content"]) and session.questions == []


@pytest.mark.parametrize("message", ["👍", "🙂🙂", "？？", "…"])
def test_emoji_alone_is_no_follow_up(assistant, message):
    """Inside a conversation, a message with no words gets a one-line request for words; the
    earlier question is not asked again."""
    chat, session, sources = ask(assistant, message, session_with(assistant, Q2022))
    assert "请用文字输入问题" in plain(chat[-1]["content"]) and "18/10" not in answer_text(chat[-1])
    assert session.questions == [Q2022] and sources == {"__type__": "update"}


def test_unexpected_error_is_a_short_message_and_logged(capsys):
    class Broken:
        documents = {}

        def ask(self, question, history, collection=""):
            raise RuntimeError("boom")

    chat, session, _ = ui.respond(Broken(), "问题", None)
    assert plain(chat[-1]["content"]) == ui.FAILED
    assert "Traceback" not in chat[-1]["content"]
    assert "RuntimeError: boom" in capsys.readouterr().err
    assert session.questions == []


@pytest.mark.parametrize("payload", XSS)
def test_xss_in_question_is_shown_literally(assistant, payload):
    chat, _, sources = ask(assistant, payload)
    for message in chat:
        assert_inert(message["content"])
    if isinstance(sources, str):
        assert_inert(sources)
    assert plain(chat[0]["content"]) == payload


@pytest.mark.parametrize("payload", XSS)
def test_xss_in_documents_is_escaped_everywhere(payload):
    text = f"一、{payload}\n\n（一）{payload}。正文{payload}。"
    first = Clause("x.txt", payload, (f"一、{payload}",), payload, text[:2 + len(payload)], 0, 2 + len(payload))
    start = text.index("（一）")
    second = Clause("x.txt", "一（一）", (f"一、{payload}", f"（一）{payload}"), payload, text[start:], start, len(text))
    doc = Document("x.txt", payload, text, "0" * 64, issuer=payload, date=payload, doc_number=payload)
    citation = Citation(second, payload, 1.0, ((start + 3, len(text)),))
    answer = Answer(payload, f"根据《{payload}》：“{payload}”[1]", True, (citation,))
    listed = Answer(payload, f"{payload}\n{payload}[1]\n{payload}", True, (citation,), intent=Intent.OUTLINE,
                    lead=payload, items=(AnswerItem(payload, (1,)),))
    helped = Answer(payload, f"{payload}\n· {payload}", True, (), intent=Intent.CONVERSATION, lead=payload,
                    items=(AnswerItem(payload),))
    outputs = [
        ui.render_answer_message(answer),
        ui.render_answer_message(listed),
        ui.render_answer_message(helped),
        ui.render_sources(answer, {"x.txt": doc}, lambda s: (first, second)),
        ui.render_document(doc, (first, second), focus=start, quotes=citation.quotes, status=payload),
        ui.render_user_message(payload),
        ui.render_notice(payload),
    ]
    for markup in outputs:
        assert_inert(markup)
    assert payload in plain(outputs[5])
    assert list_entries(outputs[1]) and list_entries(outputs[2])
    assert link_target(list_entries(outputs[2])[0]) == {"kind": "#pa-ask", "q": payload}


def test_lookup_label_is_escaped(assistant):
    markup = ui.lookup_clause(assistant, YUNZHOU, "<img src=x onerror=alert(1)>")
    assert_inert(markup)
    assert "未找到条款“<img src=x onerror=alert(1)>”" in plain(markup)


# --- conversation ----------------------------------------------------------------------------


def test_new_conversation_clears_everything(assistant):
    chat, session, sources = ask(assistant, Q2022)
    assert chat and session.questions and "pa-card" in sources
    chat, session, sources, box = ui.new_conversation()
    assert chat == [] and session.turns == () and box == ""
    assert "pa-card" not in sources and ui.EMPTY_SOURCES in sources


# --- document view ---------------------------------------------------------------------------


def focused_text(markup: str) -> str:
    match = re.search(r'<span class="pa-clause pa-focus" id="clause-(\d+)"[^>]*>(.*?)</span>(?=<span class="pa-(?:clause|gap)"|</div>)',
                      markup, re.S)
    assert match, "no highlighted clause"
    return plain(match.group(2))


def test_lookup_by_label(assistant):
    markup = ui.lookup_clause(assistant, YUNZHOU, "二（二）4")
    assert_inert(markup)
    assert markup.count("pa-focus") == 1
    assert focused_text(markup).startswith("4.加强专科能力建设")
    assert "大同市云州区县级医疗机构综合能力提升三年行动方案" in markup
    # the whole document is there, with its outline
    doc = assistant.documents[YUNZHOU]
    body = re.search(r'<div class="pa-doc-text">(.*)</div></div></div>$', markup, re.S).group(1)
    assert squash(plain(body)) == squash(doc.text)  # page breaks inside sentences are shown joined
    assert markup.count('<li class="pa-depth') == len(assistant.outline(YUNZHOU))


@pytest.mark.parametrize("label", ["二（二）4", "二(二)4", " 二（二）4 "])
def test_lookup_tolerates_typing(assistant, label):
    assert focused_text(ui.lookup_clause(assistant, YUNZHOU, label)).startswith("4.加强专科能力建设")


def test_lookup_misses_explain_themselves(assistant):
    assert "未找到条款“九（九）99”" in plain(ui.lookup_clause(assistant, YUNZHOU, "九（九）99"))
    assert "请输入条款编号" in plain(ui.lookup_clause(assistant, YUNZHOU, ""))
    assert "请先选择文件" in plain(ui.lookup_clause(assistant, None, "二（二）4"))
    assert "请先选择文件" in plain(ui.lookup_clause(assistant, "../../etc/passwd", "一"))


def test_open_clause_from_a_citation(assistant):
    answer = assistant.ask(Q2022, [])
    citation = answer.citations[0]
    markup, source, label = ui.open_clause(assistant, citation.source, citation.start, ui.quotes_attr(citation.quotes))
    assert source == BADA and label == "一（三）"
    assert "孕产妇死亡率" in focused_text(markup)
    assert f'id="clause-{citation.start}"' in markup
    assert '<mark class="pa-quote">' in markup and "pa-current" in markup


def test_metadata_citation_opens_the_document_at_the_value(assistant):
    answer = assistant.ask(METADATA_Q, [])
    issuer = answer.citations[0]
    assert issuer.clause.path == ("文件信息", "发文单位") and issuer.clause.text == "广州市卫生健康委员会"
    assert ui.containing_clause(assistant.outline(GUANGZHOU), issuer.start) is None  # no clause holds it
    target = link_target(list_entries(ui.render_answer_message(answer))[0])
    markup, source, label = ui.open_clause(assistant, target["s"], target["at"], target["q"])
    assert_inert(markup)
    assert source == GUANGZHOU and label == ""
    assert re.findall(r'<mark class="pa-quote pa-focus">(.*?)</mark>', markup) == ["广州市卫生健康委员会"]
    assert "pa-clause pa-focus" not in markup and "pa-current" not in markup
    assert ui.OUTSIDE_CLAUSES in plain(markup)
    body = re.search(r'<div class="pa-doc-text">(.*)</div></div></div>$', markup, re.S).group(1)
    assert squash(plain(body)) == squash(assistant.documents[GUANGZHOU].text)  # the whole file, the value marked in place
    # the value marked where it stands: what precedes the mark is the file up to its offset
    assert plain(body.split('<mark class="pa-quote pa-focus">')[0]) == assistant.documents[GUANGZHOU].text[:issuer.start]


def test_metadata_source_card_shows_the_value_under_file_information(assistant):
    answer = assistant.ask(METADATA_Q, [])
    sources = ui.render_sources(answer, assistant.documents, assistant.outline)
    assert_inert(sources)
    assert re.findall(r'<div class="pa-card-path">(.*?)</div>', sources) == [
        "文件信息 › 发文单位", "文件信息 › 日期"]
    bodies = re.findall(r'<div class="pa-clause-text">(.*?)</div>', sources, re.S)
    assert bodies == ['<mark class="pa-quote">广州市卫生健康委员会</mark>', '<mark class="pa-quote">2023-03-01</mark>']


@pytest.mark.parametrize("source,start,quotes", [
    ("nope.txt", 10, ""), (None, None, None), (BADA, "abc", "x"), (BADA, -5, "9-1"), (BADA, 10 ** 9, ""),
])
def test_open_clause_survives_bad_input(assistant, source, start, quotes):
    markup, _, _ = ui.open_clause(assistant, source, start, quotes)
    assert_inert(markup)
    assert "pa-focus" not in markup


def test_open_link_round_trips_through_the_fragment(assistant):
    answer = assistant.ask(Q2022, [])
    link = ui.open_link(answer.citations[0], "x", answer.citations[0].quotes)
    href = html.unescape(re.search(r'href="([^"]+)"', link).group(1))
    assert href == f"#pa-open?s={BADA}&at=604&q=668-729"
    assert ui.parse_quotes("668-729") == ((668, 729),)
    assert ui.parse_quotes("1-2,5-3,<x>") == ((1, 2),)
    assert ui.parse_quotes(None) == ()


def test_show_document(assistant):
    markup = ui.show_document(assistant, BADA)
    assert "pa-focus" not in markup and "卫生健康服务能力提升" in markup
    assert ui.EMPTY_DOCUMENT in ui.show_document(assistant, None)


# --- helpers and app -------------------------------------------------------------------------


def test_highlight_clips_and_orders_spans():
    assert ui.highlight("abcdef", 10, [(13, 15), (8, 11)]) == '<mark class="pa-quote">a</mark>bc<mark class="pa-quote">de</mark>f'
    assert ui.highlight("a<b", 0, [(1, 2)]) == 'a<mark class="pa-quote">&lt;</mark>b'
    assert ui.highlight("abc", 0, [(0, 2), (1, 3)]) == '<mark class="pa-quote">ab</mark>c'  # overlap dropped
    assert ui.highlight("abc", 0, [(5, 9)]) == "abc"


def test_app_builds_offline(assistant):
    import gradio as gr

    demo = ui.build_app(assistant)
    assert isinstance(demo, gr.Blocks)
    theme = ui.launch_options()["theme"]
    assert not getattr(theme, "_stylesheets", [])  # no font stylesheet to fetch
    assert "http" not in str(getattr(theme, "_font_css", ""))
    assert "WenQuanYi Micro Hei" in theme.font and "sans-serif" in theme.font


def test_serve_reports_a_busy_port(capsys):
    from assistant.config import Config

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        status = ui.serve(Config.from_env().override(host="127.0.0.1", port=port))
    err = capsys.readouterr().err
    assert status != 0
    assert f"端口 {port} 已被占用" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


# --- page breaks and pages -------------------------------------------------------------------


def test_a_sentence_broken_by_a_page_break_is_shown_whole(assistant):
    """000 breaks sentences across blank lines (its page breaks): the sources panel and the document
    view join them, while the clause's offsets and text stay the file's own."""
    document = assistant.documents[BADA]
    clause = next(c for c in assistant.outline(BADA) if "常住人口的\n\n30%以上" in c.text)
    assert document.text[clause.start:clause.end] == clause.text
    shown = plain(ui.highlight(clause.text, clause.start, (), join_breaks=True))
    assert "常住人口的30%以上" in shown
    view = plain(ui.render_document(document, assistant.outline(BADA), focus=clause.start))
    assert "常住人口的30%以上" in view


def test_headings_and_numbered_lines_are_not_joined():
    text = "一、目标任务\n\n以按期打赢脱贫攻坚战为统领\n\n（九）推进建设。改造升级全省未达\n\n到平均建设标准的乡镇卫生院\n\n（十）下一条"
    gaps = ui.page_break_gaps(text)
    assert [text[s - 3:s] + "|" + text[e:e + 3] for s, e in gaps] == ["省未达|到平均"]


def test_a_citation_of_a_paged_document_names_its_page_and_ocr():
    clause = Clause("plan.pdf", "二（一）", ("二、任务", "（一）基层"), "基层", "（一）基层。", 10, 16, page=3, ocr=True)
    caption = plain(ui.card_caption(1, Citation(clause, "某规划", 1.0)))
    assert caption == "[1] 《某规划》 二（一） 第3页（OCR识别）"
    unpaged = Clause("plan.txt", "二（一）", ("二、任务",), "基层", "（一）基层。", 10, 16)
    assert "页" not in plain(ui.card_caption(1, Citation(unpaged, "某规划", 1.0)))


def test_a_source_card_starts_at_a_quote_far_into_its_clause():
    """A news item's figures stand in its fourth paragraph: the card shows the quoted sentence, not only the
    opening lines above it (the whole clause is one click away, in the document)."""
    from assistant.ui.sources import render_source_card

    text = "开头一句。" * 60 + "2022年，孕产妇死亡率3.82/10万。" + "结尾。"
    start = text.index("2022年")
    clause = Clause("x.txt", "1", ("1",), "1", text, 0, len(text))
    document = Document("x.txt", "某文件", text, "0" * 64)
    card = render_source_card(1, Citation(clause, "某文件", 1.0, ((start, start + 20),)), document)
    shown = card.split('class="pa-clause-text">', 1)[1]
    assert shown.startswith("……") and "3.82/10万" in shown and "开头一句" not in shown
