"""Clause labels as people type them ('（十一）', '二(三)2', '第十一条') against labels as the parser writes them."""
from __future__ import annotations

import re


def label_matches(label: str, wanted: str) -> bool:
    """Whether a clause label answers to a label a person typed ('（十一）' matches '二（十一）').

    A number matches whole: '20' is the end of '二（六）20', not of '二（六）120'.
    """
    wanted = label_form(wanted)
    if label == wanted:
        return True
    before = label[-len(wanted) - 1 : -len(wanted)]
    return bool(wanted) and label.endswith(wanted) and not (wanted[0].isdigit() and before.isdigit())


def label_form(label: str) -> str:
    """A typed label as labels are written: no spaces, full-width brackets, no '、'."""
    return re.sub(r"\s+", "", label).replace("(", "（").replace(")", "）").replace("、", "")
