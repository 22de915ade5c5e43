"""Targets as data: every quantified statement of a document (a target, a baseline or an achieved figure) as a
record, extracted when the index is built and stored in its generation (issue 25).

    from assistant.targets import extract, Targets
    records = Targets(extract(document, outline[document.source]))
    records.find("孕产妇死亡率", year="2022")      # best match first
"""
from assistant.targets.extract import EXTRACTOR_VERSION, extract
from assistant.targets.model import KIND_NAMES, KINDS, Target, Targets, fold_indicator

__all__ = ["EXTRACTOR_VERSION", "KINDS", "KIND_NAMES", "Target", "Targets", "extract", "fold_indicator"]
