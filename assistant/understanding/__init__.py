"""Understanding a question, once, before anything is searched.

`QuestionReader.understand(question, history, scope)` reads the question against the collection's catalogue and
returns an `Understanding`: the documents it names, the places and years it asks about, its topic, the kind of
answer it wants (intent.py: rules; kind_examples.py: its nearest labelled questions where the rules fall through to
a look-up). Retrieval searches what that record says; the strategies answer from it.
"""
from assistant.understanding.reader import QUESTION_TERMS, QuestionReader
from assistant.understanding.record import Understanding

__all__ = ["QUESTION_TERMS", "QuestionReader", "Understanding"]
