"""The answer layer: understand a question once, then answer it with its intent's strategy.

One module per intent (lookup.py also answers figures and named clauses); the checks every
strategy shares are in checks.py, quoting in quotes.py, the rules that decide the intent in intent.py.
"""
from __future__ import annotations

from assistant.answering import (  # noqa: F401  (each module registers its strategy)
    comparison,
    conversation,
    lookup,
    metadata,
    outline,
    summary,
    which,
)
from assistant.answering.absent import not_held
from assistant.answering.base import STRATEGIES, AnswerContext, Understood, dispatch, understand
from assistant.answering.conversation import collection_examples, help_answer
from assistant.answering.figure_table import figure_table
from assistant.understanding.intent import is_conversation
from assistant.answering.ordinal import nth_item, ordinal_asked
from assistant.answering.parts import asked_in_parts, joined, question_parts
from assistant.models import Answer
from assistant.hits import Retrieval

__all__ = ["STRATEGIES", "AnswerContext", "Understood", "answer", "collection_examples", "help_answer", "is_conversation",
           "asked_in_parts", "joined", "nth_item", "ordinal_asked", "question_parts", "understand"]


def answer(retrieval: Retrieval, context: AnswerContext) -> Answer:
    """The answer to the question `retrieval` was searched for (its Understanding), from what it found."""
    understood = understand(retrieval)
    # one figure asked of each document is answered from the target records, whatever else the wording suggests
    return not_held(figure_table(understood, context) or dispatch(understood, context), understood, context.documents)
