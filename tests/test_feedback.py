"""Staff feedback as the library keeps it: ratings of real answers in a real SQLite records file, their
review into evaluation items the scorer accepts, and answers written out as Markdown and Word."""
from __future__ import annotations

import io
import json
import sqlite3

import pytest

from assistant.eval.load import load_set
from assistant.export import docx_bytes, markdown
from assistant.feedback import AnswersGiven, InvalidRating, given_answer, parse_rating
from assistant.feedback_store import Feedback, FeedbackUnavailable, Filter, draft_eval_item
from assistant.records import MIGRATIONS, Records

Q2022 = "2022年孕产妇死亡率的目标是多少？"
BADA = "000_a7ee23972fa017a8.txt"


def give(assistant, question=Q2022, history=(), session="s1"):
    answer = assistant.ask(question, history)
    return given_answer(answer, history, assistant.documents, assistant.index.manifest.generation,
                        assistant.config.encoder, session)


def test_an_audit_file_of_schema_1_is_brought_to_schema_2_with_its_entries(tmp_path):
    path = tmp_path / "records.sqlite"
    db = sqlite3.connect(path)
    db.executescript("CREATE TABLE schema_version (version INTEGER NOT NULL); INSERT INTO schema_version VALUES (1);"
                     + MIGRATIONS[0])
    db.execute("INSERT INTO audit (at, client, action, target, outcome) VALUES ('2026-12-01T00:00:00Z', '1.2.3.4', "
               "'login', '', 'ok')")
    db.commit()
    db.close()
    records = Records(path)
    assert records.version == 2 == len(MIGRATIONS)
    assert [e.client for e in records.audit_entries()] == ["1.2.3.4"]
    assert Feedback(records).count() == 0


def test_a_rating_keeps_the_answer_as_it_was_and_is_reviewed_into_an_eval_item(shared_assistant, tmp_path):
    assistant = shared_assistant
    given = give(assistant, "那2020年呢？", history=(Q2022,))
    assert given.history == (Q2022,) and given.citations and given.generation
    rating = parse_rating(given.id, "down", "wrong_figure", "应为 18/10万", BADA, "一（三）", lookup=assistant.lookup)
    store = Feedback(Records(tmp_path / "r.sqlite"))
    item_id = store.rate(given, rating)
    item = store.item(item_id)
    assert item.given.text == given.text and item.given.citations == given.citations
    assert item.rating.right_label == "一（三）" and not item.reviewed
    assert [i.id for i in store.items(Filter(unreviewed=True, vote="down", reason="wrong_figure", document=BADA))] == [item_id]
    assert store.items(Filter(reason="wrong_clause")) == []

    draft = draft_eval_item(item, keys=("18/10万",))
    assert draft["kind"] == "followup" and draft["expected"] == [{"source": BADA, "label": "一（三）"}]
    reviewed = store.review(item_id, expected="2020年目标为18/10万", eval_item=draft)
    assert reviewed.reviewed and reviewed.expected.startswith("2020年")
    assert store.export(tmp_path / "feedback.jsonl") == 1
    (scored,) = load_set(tmp_path / "feedback.jsonl")
    assert scored.id == f"f{item_id:04d}" and scored.history == (Q2022,)


def test_should_have_refused_becomes_an_unanswerable_item(shared_assistant, tmp_path):
    given = give(shared_assistant, "深圳2025年的家庭医生签约率目标是多少？")
    store = Feedback(Records(tmp_path / "r.sqlite"))
    item = store.item(store.rate(given, parse_rating(given.id, "down", "should_refuse")))
    draft = draft_eval_item(item)
    assert draft["unanswerable"] and draft["kind"] == "unanswerable" and draft["expected"] == []


@pytest.mark.parametrize("args, said", [
    (("zz", "up"), "回答编号无效"),
    (("a" * 32, "meh"), "只能是"),
    (("a" * 32, "down"), "哪里不对"),
    (("a" * 32, "down", "other", "x" * 2001), "过长"),
    (("a" * 32, "down", "other", {"x": 1}), "必须是文本"),
    (("a" * 32, "down", "other", "", BADA, ""), "同时给出"),
    (("a" * 32, "down", "other", "", BADA, "九十九（九）"), "找不到条款"),
    (("a" * 32, "up", "", "bell\x07"), "控制字符"),
])
def test_malformed_ratings_are_refused_in_chinese(shared_assistant, args, said):
    with pytest.raises(InvalidRating) as refused:
        parse_rating(*args, lookup=shared_assistant.lookup)
    assert said in refused.value.reason


def test_a_name_is_kept_only_when_the_server_asks_for_one():
    assert parse_rating("a" * 32, "up", name="王").name == ""
    assert parse_rating("a" * 32, "up", name="王", names_allowed=True).name == "王"


def test_only_the_session_given_an_answer_may_rate_it(shared_assistant):
    given = AnswersGiven(capacity=2)
    first = given.keep(give(shared_assistant, session="mine"))
    assert given.of_session(first.id, "mine") == first
    assert given.of_session(first.id, "theirs") is None and given.of_session("0" * 32, "mine") is None
    given.keep(give(shared_assistant, session="mine"))
    given.keep(give(shared_assistant, session="mine"))
    assert given.of_session(first.id, "mine") is None  # forgotten: the oldest go first


def test_a_damaged_records_file_makes_feedback_unavailable_not_a_crash(shared_assistant, tmp_path):
    path = tmp_path / "r.sqlite"
    store = Feedback(Records(path))
    given = give(shared_assistant)
    store.rate(given, parse_rating(given.id, "up"))
    locker = sqlite3.connect(path, timeout=0)
    locker.execute("BEGIN EXCLUSIVE")  # another program holds the file
    store.records.write("PRAGMA busy_timeout=100")
    with pytest.raises(FeedbackUnavailable, match="locked"):
        store.rate(given, parse_rating(given.id, "up"))
    locker.rollback()
    locker.close()
    assert store.count() == 1


def test_an_answer_exports_as_markdown_and_word_with_its_quotes_and_sources(shared_assistant):
    import docx

    conversation = [give(shared_assistant), give(shared_assistant, "那2020年呢？", history=(Q2022,))]
    text = markdown(conversation)
    cited = conversation[0].citations[0]
    assert "## 1. 2022年孕产妇死亡率的目标是多少？" in text and "## 2. 那2020年呢？" in text
    assert f"《{cited.title}》" in text and f"文件：{cited.source}" in text and cited.path in text
    assert "> " + cited.quotes[0].splitlines()[0][:20] in text
    assert f"索引版本：{conversation[0].generation}" in text
    document = docx.Document(io.BytesIO(docx_bytes(conversation)))
    paragraphs = [p.text for p in document.paragraphs]
    assert any(cited.quotes[0][:20] in p for p in paragraphs)
    assert any(p.startswith("[1] ") and cited.source in p and cited.title in p for p in paragraphs)
    assert json.dumps(paragraphs, ensure_ascii=False).count("回答时间") == 2


def test_a_rating_written_at_once_never_waits_for_a_busy_file(shared_assistant, tmp_path):
    # the served route writes a rating at once on its event loop, and hands it to a thread that waits only when the
    # file is busy: so the at-once write must say "busy" at once, not wait out the busy timeout
    import time
    path = tmp_path / "r.sqlite"
    store = Feedback(Records(path))
    given = give(shared_assistant)
    assert isinstance(store.rate(given, parse_rating(given.id, "up"), at_once=True), int)
    locker = sqlite3.connect(path, timeout=0)
    locker.execute("BEGIN EXCLUSIVE")  # another program holds the file
    began = time.perf_counter()
    assert store.rate(given, parse_rating(given.id, "down", "other"), at_once=True) is None
    assert time.perf_counter() - began < 0.5
    locker.rollback()
    locker.close()
    assert isinstance(store.rate(given, parse_rating(given.id, "up"), at_once=True), int)
    assert store.count() == 2
