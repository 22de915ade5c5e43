"""`python -m assistant indicators`: the records of the index (built or brought up to date first), or the
extraction scored against a gold file. Results on stdout, one clear line on stderr for bad input."""
from __future__ import annotations

import sys

from assistant.config import Config

EXIT_USAGE = 2


def indicators(args, config: Config) -> int:
    if args.score is not None:
        return _score(args)
    from assistant.index import build_index
    from assistant.models import in_collection
    from assistant.service import open_embedder
    from assistant.targets import export

    index, _ = build_index(config, lambda: open_embedder(config, not args.quiet), progress=not args.quiet)
    targets = index.targets
    if args.document and not any(s == args.document or s.endswith("/" + args.document) for s in index.documents):
        print(f"error: no document named {args.document!r} in the index (see: python -m assistant indicators)", file=sys.stderr)
        return EXIT_USAGE
    if args.collection and not any(in_collection(s, args.collection) for s in index.documents):
        print(f"error: no folder {args.collection!r} in the library", file=sys.stderr)
        return EXIT_USAGE
    records = targets.select(document=args.document, collection=args.collection)
    if args.json:
        print(export.as_json(records))
    elif args.csv is not None:
        export.write_csv(records, args.csv)
        print(f"{len(records)} targets written to {args.csv}", file=sys.stderr)
    elif args.xlsx is not None:
        export.write_xlsx(records, args.xlsx)
        print(f"{len(records)} targets written to {args.xlsx}", file=sys.stderr)
    else:
        for t in records:
            scope = f" [{t.scope}]" if t.scope else ""
            print(f"{t.source}\t{t.label}\t{t.year or '-'}\t{t.indicator}{scope}\t{t.value}\t{t.kind}\t{t.property or '-'}")
    return 0


def _score(args) -> int:
    from assistant.targets.gold import run
    from assistant.targets.score import report

    if not args.score.is_file():
        print(f"error: no gold file at {args.score}", file=sys.stderr)
        return EXIT_USAGE
    try:
        result = run(args.score)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(report(result))
    if args.misses:
        print("\nnot found:")
        for g, why in result.misses:
            print(f"  {g.source[:14]} {g.statement:8} {g.year or '-':10} {g.indicator} = {g.value}   ({why})")
        print("\nwrong:")
        for t in result.wrong:
            print(f"  {t.source[:14]} {t.statement:8} {t.year or '-':10} {t.indicator} = {t.value!r} [{t.label}]")
        print("\nfound, offsets holding another value:")
        for g, t in result.inexact:
            print(f"  {g.source[:14]} {g.statement:8} {g.year or '-':10} {g.indicator} = {g.value}   (read {t.value!r})")
    return 0
