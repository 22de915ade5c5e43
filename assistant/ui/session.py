"""One browser session's conversation, kept on the server and bounded.

The client sends only its new question; what it was asked before, and what the chat shows, live
here. Caps keep every session's share small whatever a client does: the chat keeps its newest
turns up to a number and a size, and follow-ups look back over a few questions only.
"""
from __future__ import annotations

from dataclasses import dataclass

MAX_TURNS = 20  # question-and-answer pairs the chat keeps; older ones scroll away
MAX_CHAT_CHARS = 200_000  # characters of chat HTML a session keeps (about 0.4 MB in memory)
MAX_CONTEXT_QUESTIONS = 6  # earlier questions a follow-up may lean on


@dataclass(frozen=True)
class Turn:
    question: str
    question_html: str
    reply_html: str
    answered: bool  # False for a notice (empty, invalid, failed): not context for a follow-up
    said: str = ""  # the answer as plain text (its prose, when shown): what a language model is told was said
    answer_id: str = ""  # the id the server gave the answer (feedback.GivenAnswer): what a rating or an export names

    @property
    def chars(self) -> int:
        return len(self.question_html) + len(self.reply_html)


@dataclass(frozen=True)
class Session:
    turns: tuple[Turn, ...] = ()

    def add(self, turn: Turn) -> "Session":
        """This session with `turn` appended, the oldest turns dropped to stay within the caps."""
        turns = (*self.turns, turn)[-MAX_TURNS:]
        total = sum(t.chars for t in turns)
        while len(turns) > 1 and total > MAX_CHAT_CHARS:
            total -= turns[0].chars
            turns = turns[1:]
        return Session(turns)

    @property
    def questions(self) -> list[str]:
        """The earlier answered questions, oldest first, that a follow-up may refer to."""
        return [t.question for t in self.turns if t.answered][-MAX_CONTEXT_QUESTIONS:]

    @property
    def conversation(self) -> list[tuple[str, str]]:
        """The earlier answered (question, what was said) pairs, oldest first, for a language model."""
        return [(t.question, t.said) for t in self.turns if t.answered][-MAX_CONTEXT_QUESTIONS:]

    @property
    def answer_ids(self) -> list[str]:
        """The ids of the answers this conversation was given, oldest first (those still in the chat)."""
        return [t.answer_id for t in self.turns if t.answer_id]

    def messages(self, pending: tuple[str, str] | None = None) -> list[dict]:
        """The chat as Gradio messages; `pending` (question HTML, notice HTML) is a turn not yet answered."""
        pairs = [(t.question_html, t.reply_html) for t in self.turns]
        if pending is not None:
            pairs.append(pending)
        out = []
        for question_html, reply_html in pairs:
            if question_html:
                out.append({"role": "user", "content": question_html})
            out.append({"role": "assistant", "content": reply_html})
        return out


def session_of(value: object) -> Session:
    """The state Gradio hands back, as a Session (a new one for anything else)."""
    return value if isinstance(value, Session) else Session()
