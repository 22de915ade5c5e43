"""Optional prose answers from a language model, written from the cited clauses only.

The pieces, from pure to I/O:

- `figures`: the numbers a text states, normalised so the same figure written differently compares equal;
- `prompt`: the chat messages asking a model to answer from numbered clauses;
- `check`: the generated sentences whose citations exist and whose figures their cited clauses state;
- `client`: a streaming client for any OpenAI-compatible `/v1/chat/completions` endpoint;
- `compose`: an answer's prose as it streams, checked sentence by sentence;
- `local_server`: a real llama.cpp server with a tiny model, built and started from PyPI alone (for tests).

This module itself imports nothing, so the CLI can name GenerationError without loading httpx.
"""


class GenerationError(Exception):
    """The model server gave no (complete) answer, or cannot be asked; the message says why, in one line."""

