"""Which-documents answers: every document that says something, each with its best clause cited."""
from __future__ import annotations

from assistant.answering.base import AnswerContext, Understood, register
from assistant.answering.checks import phrase_terms
from assistant.answering.sides import find_sides, sides_answer, topic_words
from assistant.models import Answer, Intent


@register
class WhichDocuments:
    intent = Intent.WHICH_DOCUMENTS

    def answer(self, understood: Understood, context: AnswerContext) -> Answer | None:
        if not understood.query.topic:
            return None
        named = bool(understood.named)
        sources = understood.named if named else self._could_name(understood, context)
        sides = find_sides(understood, context, sources, mention=True, limit=None)
        stating = [s for s in sides if s.hit is not None]
        # The documents that say it, the best match first; the silent ones named in the question after them.
        sides = sorted(stating, key=lambda s: -s.hit.score) + [s for s in sides if s.hit is None]
        lead = f"共有{len(stating)}份文件提到“{topic_words(understood.query)}”："
        return sides_answer(understood, context, sides, lead, Intent.WHICH_DOCUMENTS, silent_when_named=named,
                            quote_topic=True)

    @staticmethod
    def _could_name(understood: Understood, context: AnswerContext) -> list[str]:
        """Every document, less those that lack a bigram every clause naming the topic has."""
        terms = [t for phrase in understood.query.topic for t in phrase_terms(phrase)]
        possible = context.documents_with(terms) if terms else None
        return sorted(s for s in context.documents if possible is None or s in possible)
