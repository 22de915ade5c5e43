"""The chat's side of feedback, without Gradio: each answer kept as given to its session (with the links under
it to rate, copy and export it), and a rating (POST pa-rate, from the page or a script) checked and stored.

The desk is the only place that decides whether feedback is on: it is off when the records file could not
be opened at start (one line in the server's log, the reason shown where staff rate), and each rating that
cannot be written says so in one Chinese sentence (one log line per outage) while the chat goes on answering.
"""
from __future__ import annotations

import sys
import threading
from dataclasses import dataclass
from typing import Callable
from urllib.parse import quote

from assistant.config import Config
from assistant.feedback import AnswersGiven, GivenAnswer, InvalidRating, given_answer, parse_rating
from assistant.feedback_store import UNAVAILABLE, Feedback, FeedbackUnavailable
from assistant.records import Records, RecordsError
from assistant.ui.render import esc

SAVED_UP = "谢谢！已记录：这个回答有帮助。"
SAVED_DOWN = "谢谢！已记录你的反馈，管理员审阅后会用它检查以后的回答。"
NOT_YOURS = "反馈未保存：这个回答不在本次对话中（可能已过期），请重新提问后再评价。"
REFUSED = "反馈未保存：{reason}。"
OFF = "反馈功能已关闭：服务器的记录文件无法使用（{why}），请联系管理员。问答不受影响。"
SAVED_PREFIX = "谢谢！"  # what every acknowledged rating's message starts with
# The emoji with words: a computer without an emoji font (a server's headless browser) still reads them.
VOTE_NAMES = {"up": "👍 有帮助", "down": "👎 有问题"}
EXPORT_ROUTE = "pa-export"  # GET pa-export/<answer id>/<answer|conversation>.<md|docx> (ui/export_http.py)
RATE_ROUTE = "pa-rate"  # POST pa-rate, a JSON object (ui/rating_http.py)


@dataclass(frozen=True)
class RatingReply:
    saved: bool  # on disk: the user may be told so
    message: str  # the sentence to show
    status: int  # as HTTP says it: 200 saved, 400 malformed, 403 not this session's answer, 503 feedback off


def open_records(config: Config) -> tuple[Records | None, str]:
    """The records file, or None and why not (said once on stderr): a damaged or locked file leaves the
    chat answering and feedback off."""
    try:
        return Records(config.records_path), ""
    except RecordsError as exc:
        print(f"plan-assistant: feedback is off: {exc}", file=sys.stderr, flush=True)
        return None, str(exc)


class FeedbackDesk:
    def __init__(self, store: Feedback | None, problem: str = "", ask_names: bool = False,
                 lookup: Callable[[str, str], list] | None = None):
        self.store = store
        self.lookup = lookup  # Assistant.lookup: a clause typed into the form is checked against the index
        self.problem = problem if store is None else ""  # why feedback is off from the start
        self.ask_names = ask_names
        self.given = AnswersGiven()
        self._failing = False  # a write failed and was logged; the next success clears it
        self._lock = threading.Lock()

    @classmethod
    def open(cls, config: Config, records: Records | None, problem: str = "", lookup=None) -> "FeedbackDesk":
        return cls(Feedback(records) if records is not None else None, problem or "未配置记录文件",
                   bool(int(config.feedback_names)), lookup)

    @property
    def off_notice(self) -> str:
        """'' while feedback is on; otherwise the sentence that says it is off and why."""
        if self.store is None:
            return OFF.format(why=self.problem[:200])
        return UNAVAILABLE if self._failing else ""

    def give(self, assistant, answer, history, session_id: str | None, earlier: list[str]) -> GivenAnswer:
        """Keep `answer` as given to `session_id` (before it is shown: a rating may follow at once)."""
        return self.given.keep(given_answer(answer, history, assistant.documents, assistant.index.manifest.generation,
                                            assistant.config.encoder, session_id or "", earlier))

    def tools(self, given: GivenAnswer) -> str:
        """The links under an answer: 👍 👎, copy, and export (this answer or the conversation, .md or .docx).
        Fragment links are handled in the browser (static/answer_tools.js); the export links are the server's."""
        rate = "".join(f'<a class="pa-rate pa-rate-{vote}" role="button" title="{title}" '
                       f'href="#pa-rate?a={given.id}&amp;v={vote}">{VOTE_NAMES[vote]}</a>'
                       for vote, title in (("up", "这个回答有帮助"), ("down", "这个回答有问题，告诉我们哪里不对")))

        def export(scope: str, suffix: str, shown: str) -> str:
            href = f"{EXPORT_ROUTE}/{quote(given.id)}/{scope}.{suffix}"
            return f'<a class="pa-export pa-export-{scope}-{suffix}" href="{esc(href)}">{shown}</a>'

        return (f'<div class="pa-tools" data-answer="{given.id}">{rate}'
                '<a class="pa-copy" role="button" href="#pa-copy" title="复制回答和出处">复制</a>'
                f'<span class="pa-tools-group">导出本回答 {export("answer", "md", "Markdown")} '
                f'{export("answer", "docx", "Word")}</span>'
                f'<span class="pa-tools-group">导出整段对话 {export("conversation", "md", "Markdown")} '
                f'{export("conversation", "docx", "Word")}</span></div>')

    def rate(self, session_id: object, answer_id: object, vote: object, reason: object = "", comment: object = "",
             source: object = "", label: object = "", name: object = "", at_once: bool = False) -> RatingReply | None:
        """Store one rating from the session `session_id`; saved only once it is on disk. `at_once`: None instead
        of waiting when the records file is busy (the caller then rates in a thread that waits)."""
        if self.store is None:
            return RatingReply(False, self.off_notice, 503)
        try:
            rating = parse_rating(answer_id, vote, reason, comment, source, label, name, self.lookup, self.ask_names)
        except InvalidRating as exc:
            return RatingReply(False, REFUSED.format(reason=exc.reason), 400)
        given = self.given.of_session(rating.answer_id, session_id if isinstance(session_id, str) else "")
        if given is None:
            return RatingReply(False, NOT_YOURS, 403)
        try:
            if self.store.rate(given, rating, at_once) is None:
                return None
        except FeedbackUnavailable as exc:
            with self._lock:
                first, self._failing = not self._failing, True
            if first:
                print(f"plan-assistant: feedback not saved: {exc}", file=sys.stderr, flush=True)
            return RatingReply(False, UNAVAILABLE, 503)
        if self._failing:
            with self._lock:
                self._failing = False
            print("plan-assistant: feedback is saved again", file=sys.stderr, flush=True)
        return RatingReply(True, SAVED_UP if rating.vote == "up" else SAVED_DOWN, 200)
