"""The command line of the collection's administration (kept beside cli.py, which registers it):
`serve`'s admin and network flags, `admin-secret FILE` (store the secret as a salted hash),
`audit [--since DATE] [--json]` (the audit trail, from the records file beside the index) and
`feedback export|list` (the staff's ratings, from the same file)."""
from __future__ import annotations

import argparse
import getpass
import json
import re
import sys
from pathlib import Path

def serve_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--admin-secret-file", metavar="FILE",
                        help="the admin secret as a salted scrypt hash, written by `admin-secret FILE`; re-read when "
                             "it changes, which logs every admin out (env PLAN_ADMIN_SECRET_FILE)")
    parser.add_argument("--admin-idle-minutes", type=float, metavar="M",
                        help="an admin login ends after M minutes without an admin action (default 30; "
                             "env PLAN_ADMIN_IDLE_MINUTES)")
    parser.add_argument("--admin-session-hours", type=float, metavar="H",
                        help="... and H hours after it began (default 8; env PLAN_ADMIN_SESSION_HOURS)")
    parser.add_argument("--allowed-hosts", metavar="H,H",
                        help="host names or addresses the server answers to (default: --host, localhost, 127.0.0.1, "
                             "::1); others get 400 (env PLAN_ALLOWED_HOSTS)")
    parser.add_argument("--allowed-origins", metavar="URL,URL",
                        help="other sites (scheme://host:port) whose pages may call this server with the admin's "
                             "cookie (default none; env PLAN_ALLOWED_ORIGINS)")
    records_flag(parser)
    parser.add_argument("--feedback-names", type=int, choices=(0, 1), metavar="0|1",
                        help="1: the 👎 form also asks for an optional name, kept with the rating (default 0: ratings "
                             "carry no name; env PLAN_FEEDBACK_NAMES)")


def records_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--records", metavar="FILE",
                        help="the SQLite file of the audit trail and the staff's ratings (default: beside the index folder, "
                             "<index>-records.sqlite; env PLAN_RECORDS)")


def add_commands(sub, common) -> None:
    p = sub.add_parser("admin-secret", help="store the admin secret as a salted scrypt hash in FILE "
                                            "(for serve --admin-secret-file); asks for it, or reads one line of stdin")
    p.add_argument("file", type=Path)

    p = sub.add_parser("audit", help="print the audit trail: logins, logouts, uploads, deletions, re-indexing, "
                                     "refused attempts")
    common(p)
    records_flag(p)
    p.add_argument("--since", metavar="DATE", default="", help="only entries from this UTC date or time on "
                                                               "(2026-12-06 or 2026-12-06T14:00)")
    p.add_argument("--json", action="store_true", help="one JSON object per entry")

    p = sub.add_parser("feedback", help="the staff's ratings: `feedback export --to eval/feedback.jsonl` writes the "
                                        "reviewed ones in the evaluation set's format; `feedback list` prints them")
    common(p)
    records_flag(p)
    p.add_argument("action", choices=("export", "list"))
    p.add_argument("--to", type=Path, default=Path("eval/feedback.jsonl"), metavar="FILE",
                   help="with export: the evaluation set to write (default eval/feedback.jsonl; replaced)")
    p.add_argument("--json", action="store_true", help="with list: one JSON object per rating")


def cmd_admin_secret(args, config) -> int:
    from assistant.admin import write_secret_file

    if sys.stdin.isatty():
        secret = getpass.getpass("管理密码: ")
        if getpass.getpass("再输入一次: ") != secret:
            print("error: 两次输入的密码不一致 (the two entries differ)", file=sys.stderr)
            return 2
    else:
        secret = sys.stdin.readline().rstrip("\r\n")
    write_secret_file(args.file, secret)
    print(f"secret stored as a salted scrypt hash in {args.file}; a server started with --admin-secret-file "
          f"{args.file} takes it at once and logs out every admin")
    return 0


def cmd_audit(args, config) -> int:
    from assistant.records import Records

    since = args.since.strip()
    if since and not re.fullmatch(r"\d{4}-\d{2}-\d{2}(T\d{2}(:\d{2}(:\d{2})?)?)?", since):
        print(f"error: --since {since!r}: give a date (2026-12-06) or a UTC time (2026-12-06T14:00)", file=sys.stderr)
        return 2
    path = config.records_path
    if not path.exists():
        print(f"no audit trail yet: {path} does not exist (it is made when `serve` runs with an admin secret)",
              file=sys.stderr)
        return 0
    records = Records(path)
    try:
        for entry in records.audit_entries(since):
            if args.json:
                print(json.dumps(entry.to_json(), ensure_ascii=False))
            else:
                print("\t".join((entry.at, entry.client, entry.action, entry.target or "-", entry.outcome)))
    finally:
        records.close()
    return 0


def cmd_feedback(args, config) -> int:
    """`export`: the reviewed ratings made evaluation items, as eval/feedback.jsonl; `list`: every rating."""
    from assistant.feedback_store import Feedback, reason_text
    from assistant.records import Records

    path = config.records_path
    if not path.exists():
        print(f"no feedback yet: {path} does not exist (it is made when `serve` runs)", file=sys.stderr)
        return 0 if args.action == "list" else 2
    records = Records(path)
    try:
        store = Feedback(records)
        if args.action == "export":
            count = store.export(args.to)
            print(f"{count} reviewed items written to {args.to}; score them with: python -m assistant eval --set {args.to}")
            return 0
        for item in reversed(store.items()):
            if args.json:
                print(json.dumps(item.to_json(), ensure_ascii=False))
            else:
                state = ("eval item" if item.eval_item else "reviewed") if item.reviewed else "unreviewed"
                print("\t".join((f"#{item.id}", item.at, item.rating.vote, reason_text(item.rating.reason) or "-", state,
                                 item.given.question.replace("\n", " ")[:80])))
    finally:
        records.close()
    return 0


COMMANDS = {"admin-secret": cmd_admin_secret, "audit": cmd_audit, "feedback": cmd_feedback}
