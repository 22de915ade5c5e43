"""Command line: a thin layer over assistant.service. Results on stdout, progress and errors on stderr."""
from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import fields
from pathlib import Path

from assistant import cli_admin
from assistant.cli_ask import ask_interactive, ask_jsonl, print_streamed
from assistant.config import Config

EXIT_USAGE = 2
EXIT_FAILED = 1


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--corpus", metavar="DIR", help="folder of .txt/.md documents (env PLAN_CORPUS; default corpus/)")
    parser.add_argument("--index", metavar="DIR", help="index folder (env PLAN_INDEX; default index/)")
    parser.add_argument("--model", help="'e5-small' (built in) or a local sentence-transformers folder (env PLAN_MODEL)")
    parser.add_argument("--encoder", choices=("onnx-int8", "onnx", "torch"),
                        help="how texts are encoded: ONNX Runtime int8 (default), fp32, or torch (env PLAN_ENCODER)")
    parser.add_argument("--cache", metavar="DIR", help="where the built-in model is converted (env PLAN_CACHE)")
    parser.add_argument("--store", metavar="STORE",
                        help="where rows are searched: local (FAISS + BM25, default), milvus (Milvus Lite in the index "
                             "folder), FILE.db (Milvus Lite there) or http://host:19530 (a Milvus server; env PLAN_STORE)")
    parser.add_argument("--max-clause-chars", type=int, metavar="N", help="split clauses longer than this")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress messages")


def _llm(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--llm-url", metavar="URL",
                        help="word found answers as prose with the OpenAI-compatible chat endpoint at URL, e.g. "
                             "http://127.0.0.1:8080/v1 (env PLAN_LLM_URL; off by default)")
    parser.add_argument("--llm-model", metavar="NAME", help="the model to ask (env PLAN_LLM_MODEL; default: the first "
                                                            "the endpoint lists)")
    parser.add_argument("--llm-timeout", type=float, metavar="S",
                        help="seconds for a whole prose answer before the quoted one stands alone (env PLAN_LLM_TIMEOUT; "
                             "default 20). The API key, if any, is read from env PLAN_LLM_API_KEY")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="plan-assistant", description="Answers questions about health-policy plans, citing the exact clause.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("clauses", help="print the clauses parsed from one file")
    p.add_argument("file", type=Path)
    p.add_argument("--json", action="store_true", help="one JSON object per clause")
    p.add_argument("--max-clause-chars", type=int, metavar="N", help="also split clauses longer than N")

    p = sub.add_parser("prepare", help="convert the model and export its ONNX encoder (once; build and serve need it)")
    _common(p)

    p = sub.add_parser("build", help="build or update the index (only changed files are embedded)")
    _common(p)
    p.add_argument("--niceness", type=int, metavar="N", help="CPU priority of the build, so a server beside it answers "
                                                             "first (env PLAN_BUILD_NICENESS; default 10; 0: unchanged)")

    p = sub.add_parser("add", help="add documents to the corpus (checked one by one), then update the index")
    _common(p)
    p.add_argument("files", nargs="+", type=Path, metavar="FILE", help="documents or folders to add (.txt .md .pdf .docx .doc .html …); a folder comes in with its sub-folders")
    p.add_argument("--into", default="", metavar="FOLDER", help="the library's sub-folder to put them in ('法规库/本地文件')")

    p = sub.add_parser("remove", help="remove documents from the corpus by file name, then update the index")
    _common(p)
    p.add_argument("names", nargs="+", metavar="NAME", help="file names as listed by the corpus folder")

    p = sub.add_parser("ask", help="answer a question (or JSON lines from stdin with --jsonl)")
    _common(p)
    p.add_argument("question", nargs="?", help="the question; omit for an interactive prompt")
    p.add_argument("--json", action="store_true", help="print the answer as JSON")
    p.add_argument("--jsonl", action="store_true", help='read {"question":…, "history":[…]} lines from stdin')
    p.add_argument("-k", type=int, dest="top_k", metavar="N", help="number of citations (default 5)")
    p.add_argument("--history", action="append", default=[], metavar="Q", help="an earlier question (repeatable, oldest first)")
    p.add_argument("--collection", default="", metavar="FOLDER",
                   help="answer only from the documents in this folder of the library and its sub-folders "
                        "('法规库/本地文件'); with --jsonl a line's \"collection\" does the same")
    _llm(p)

    p = sub.add_parser("eval", help="score the assistant against the evaluation set; fails on regression")
    _common(p)
    p.add_argument("--set", dest="eval_set", type=Path, help="evaluation set (default eval/questions.jsonl)")
    p.add_argument("--json", action="store_true", help="print the metrics as JSON")
    p.add_argument("--report", type=Path, metavar="DIR", help="report folder (default eval/reports/)")
    p.add_argument("--baseline", type=Path, help="baseline metrics (default eval/baseline.json)")
    p.add_argument("--update-baseline", action="store_true", help="write the current metrics as the new baseline")
    p.add_argument("--extra-corpus", type=Path, metavar="DIR",
                   help="also index DIR's files (not its README.md) beside the corpus; the combined index is cached under --cache")
    p.add_argument("--limit", type=int, metavar="N", help="ask only the first N items (with --llm-url: a quicker look)")
    _llm(p)

    p = sub.add_parser("indicators", help="the targets extracted from the documents (every quantified statement)")
    _common(p)
    p.add_argument("--document", default="", metavar="NAME", help="only this document (its name in the library)")
    p.add_argument("--collection", default="", metavar="FOLDER", help="only the documents in this folder and its sub-folders")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="a JSON list of records (source, collection, label, indicator, "
                                                        "scope, year, value, number, unit, comparator, kind, property, start, end)")
    out.add_argument("--csv", type=Path, metavar="FILE", help="write the records as CSV (UTF-8 with BOM)")
    out.add_argument("--xlsx", type=Path, metavar="FILE", help="write the records as an Excel workbook")
    out.add_argument("--score", type=Path, metavar="GOLD", help="measure extraction against a gold file "
                                                               "(eval/targets/gold.jsonl); reads the documents, not the index")
    p.add_argument("--misses", action="store_true", help="with --score: list the gold records not found and the wrong ones")

    p = sub.add_parser("serve", help="start the browser UI")
    _common(p)
    p.add_argument("--host", help="default 127.0.0.1 (env PLAN_HOST)")
    p.add_argument("--port", type=int, help="default 7860 (env PLAN_PORT)")
    p.add_argument("--concurrency", type=int, help="answers composed at once, default 2 (env PLAN_QUEUE_CONCURRENCY)")
    p.add_argument("--queue-size", type=int, help="questions that may wait, default 256 (env PLAN_QUEUE_SIZE)")
    p.add_argument("--admin-secret", help="lets whoever types it upload and delete documents in the browser "
                                          "(better: env PLAN_ADMIN_SECRET, which `ps` does not show, or --admin-secret-file)")
    cli_admin.serve_flags(p)
    _llm(p)
    cli_admin.add_commands(sub, _common)
    return parser


# Flags named otherwise than the Config field they set; every other flag's name is its field's.
_FIELD_OF_FLAG = {"corpus": "corpus_dir", "index": "index_dir", "cache": "cache_dir", "niceness": "build_niceness",
                  "concurrency": "queue_concurrency"}


def config_from(args: argparse.Namespace) -> Config:
    known = {f.name for f in fields(Config)}
    given = {_FIELD_OF_FLAG.get(flag, flag): value for flag, value in vars(args).items()}
    return Config.from_env().override(**{name: value for name, value in given.items() if name in known})


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from assistant.corpus import CorpusError
    from assistant.index import StaleIndex
    from assistant.service import InvalidQuestion

    from assistant.admin import SecretFileError
    from assistant.generation import GenerationError
    from assistant.records import RecordsError
    from assistant.store import StoreError

    handled = (CorpusError, StaleIndex, InvalidQuestion, StoreError, OSError, GenerationError, SecretFileError,
               RecordsError)
    try:
        from assistant.model_prep import ModelError

        handled += (ModelError,)
        llm_url = config_from(args).llm_url if hasattr(args, "llm_url") else ""
        if llm_url:  # a malformed URL is told before the model and the index load
            from assistant.generation.client import check_url

            check_url(llm_url)
        return COMMANDS[args.command](args)
    except handled as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a user never sees a traceback; PLAN_DEBUG=1 shows it
        if os.environ.get("PLAN_DEBUG"):
            raise
        print(f"internal error: {type(exc).__name__}: {exc} (set PLAN_DEBUG=1 for details)", file=sys.stderr)
        return EXIT_FAILED


def cmd_clauses(args) -> int:
    from assistant.chunking import split_long_clauses
    from assistant.corpus import load_document

    parsed = load_document(args.file)
    clauses = parsed.clauses
    if args.max_clause_chars:
        clauses = split_long_clauses(clauses, args.max_clause_chars)
    doc = parsed.document
    if not args.json:
        print(f"# {doc.title} | {doc.issuer or '-'} | {doc.date or '-'} | {doc.doc_number or '-'} | {doc.index_number or '-'}")
    for c in clauses:
        if args.json:
            print(json.dumps({"label": c.label, "path": c.path_text, "title": c.title, "start": c.start, "end": c.end,
                              "part": c.part, "parts": c.parts, "text": c.text}, ensure_ascii=False))
        else:
            part = f" ({c.part + 1}/{c.parts})" if c.parts > 1 else ""
            print(f"{c.label}{part}\t{c.path_text}\t{c.start}-{c.end}\t{c.text[:60].replace(chr(10), ' ')}")
    return 0


def cmd_add(args) -> int:
    """Each file checked and copied on its own (a refusal names the file and the reason), then one build."""
    from assistant.collection import add_files

    config = config_from(args)
    named = [(name, path) for given in args.files for name, path in _files_of(given)]
    outcomes = []
    for name, path in named:
        try:
            data = path.read_bytes() if path is not None else b""
        except OSError as exc:
            print(f"{path}: refused ({exc.strerror or exc})", file=sys.stderr)
            outcomes.append(None)
            continue
        outcomes += add_files(config.corpus_dir, [(name, data)], folder=args.into)
    return _report_and_build(args, [o for o in outcomes if o is not None], len(named))


def _files_of(given: Path) -> list[tuple[str, Path | None]]:
    """A file as (its name, it); a folder as every file in its tree, named by its path from the folder's parent
    ('通知/2023/x.doc'), so the folder comes in as a collection of the library, sub-folders kept. A hidden
    folder (.git, .svn) is one entry ('x/.git/', None), passed over by `add_files` as a whole."""
    if not given.is_dir():
        return [(given.name, given)]
    found: list[tuple[str, Path | None]] = []
    for folder, dirs, names in os.walk(given):
        here = Path(folder)
        found += [((here / d).relative_to(given.parent).as_posix() + "/", None) for d in sorted(dirs) if d.startswith(".")]
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found += [((here / n).relative_to(given.parent).as_posix(), here / n) for n in sorted(names)]
    return found


def cmd_remove(args) -> int:
    from assistant.collection import remove_document

    config = config_from(args)
    return _report_and_build(args, [remove_document(config.corpus_dir, name) for name in args.names], len(args.names))


def _report_and_build(args, outcomes, asked: int) -> int:
    """One line per file (refusals on stderr); the index brought up to date if anything changed; 2 if any was refused."""
    for outcome in outcomes:
        print(outcome.line(), file=sys.stdout if outcome.ok else sys.stderr)
    changed = any(o.status in ("added", "replaced", "removed") for o in outcomes)
    if changed:
        cmd_build(args)
    return 0 if len(outcomes) == asked and all(o.ok for o in outcomes) else EXIT_USAGE


def cmd_prepare(args) -> int:
    from assistant.model_prep import prepare_encoder

    config = config_from(args)
    folder = prepare_encoder(config.model, config.base_model_id, config.cache_dir, progress=not args.quiet)
    print(f"encoder ready: {folder}")
    return 0


def cmd_build(args) -> int:
    from assistant.index import build_index
    from assistant.priority import lower_this_thread
    from assistant.service import open_embedder

    config = config_from(args)
    progress = not args.quiet
    lower_this_thread(config.build_niceness)  # a server beside it answers first
    index, embedded = build_index(config, lambda: open_embedder(config, progress), progress)
    state = "built" if embedded else "up to date"
    print(f"index {state}: {len(index.clauses)} clause parts from {len(index.documents)} files; embedded {embedded}")
    _report_not_indexed(config, index.manifest.refused)
    return 0


def _report_not_indexed(config, refused: dict) -> None:
    """Every file of the tree that is not in the index, one line each on stderr: nothing is skipped silently."""
    from assistant.corpus import scan_library

    skipped = scan_library(config.corpus_dir).skipped
    copies = {n: e for n, e in refused.items() if "duplicate_of" in e}
    unread = {n: e for n, e in refused.items() if "duplicate_of" not in e}
    if not (skipped or refused):
        return
    print(f"not indexed: {len(unread)} unreadable, {len(copies)} duplicates, {len(skipped)} passed over",
          file=sys.stderr)
    for name, entry in sorted(unread.items()):
        print(f"  unreadable  {name}: {_without_name(entry.get('reason', ''), name)}", file=sys.stderr)
    for name, entry in sorted(copies.items()):
        print(f"  duplicate   {name}: {entry.get('reason', '')}", file=sys.stderr)
    for item in skipped:
        print(f"  passed over {item.name}: {item.reason}", file=sys.stderr)


def _without_name(reason: str, name: str) -> str:
    base = name.rsplit("/", 1)[-1]
    for prefix in (name + ": ", base + ": "):
        if reason.startswith(prefix):
            return reason[len(prefix):]
    return reason


def _open(args):
    from assistant.service import Assistant

    return Assistant.open(config_from(args), progress=not args.quiet)


def cmd_ask(args) -> int:
    if args.jsonl:
        failures = ask_jsonl(_open(args), sys.stdin, sys.stdout, args.collection)
        return EXIT_USAGE if failures else 0
    if args.question is None:
        return ask_interactive(_open(args), args.collection)
    from assistant.service import validate_question

    validate_question(args.question, config_from(args).max_question_chars)  # fail fast, before the model loads
    assistant = _open(args)
    if args.json:
        answer = assistant.ask_with_prose(args.question, args.history, collection=args.collection)
        print(json.dumps(answer.to_json(), ensure_ascii=False, indent=1))
    else:
        print_streamed(assistant.ask_stream(args.question, args.history, collection=args.collection),
                       sys.stdout, sys.stderr, not args.quiet)
    return 0


def cmd_indicators(args) -> int:
    from assistant.targets.cli import indicators

    return indicators(args, config_from(args))


def cmd_eval(args) -> int:
    from assistant.eval import run_cli

    return run_cli(args, config_from(args))


def cmd_serve(args) -> int:
    from assistant.ui import serve

    return serve(config_from(args))


COMMANDS = {"clauses": cmd_clauses, "build": cmd_build, "add": cmd_add, "remove": cmd_remove, "ask": cmd_ask,
            "eval": cmd_eval, "prepare": cmd_prepare, "serve": cmd_serve, "indicators": cmd_indicators,
            **{name: (lambda args, run=run: run(args, config_from(args))) for name, run in cli_admin.COMMANDS.items()}}
