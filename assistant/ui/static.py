"""The UI's CSS and browser scripts, kept as files in assistant/ui/static/ so they read (and lint) as CSS
and JavaScript. A script's upper-case placeholders are filled in by the caller."""
from __future__ import annotations

from functools import cache
from importlib import resources


@cache
def _read(name: str) -> str:
    return resources.files("assistant.ui").joinpath("static", name).read_text(encoding="utf-8")


def asset(name: str, **values: object) -> str:
    """The file's text, each `KEY` of `values` replaced by its value. Comment lines (`//`, at the top) are
    kept out of scripts: Gradio runs a `js=` string as one function expression."""
    text = _read(name)
    if name.endswith(".js"):
        text = "\n".join(line for line in text.splitlines() if not line.startswith("//")) + "\n"
    for key, value in values.items():
        if key not in text:
            raise KeyError(f"{name} has no placeholder {key}")
        text = text.replace(key, str(value))
    return text
