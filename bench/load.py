"""The served app under load: many sessions at once through its own `/ask` API (gradio_client).

    python bench/load.py                       # starts `python -m assistant serve` on a free port
    python bench/load.py --sessions 20,60 --seconds 30
    python bench/load.py --url http://127.0.0.1:7860 --sessions 20
    python bench/load.py --hostile             # plus: two clients posting 10 MB requests all along
    python bench/load.py --burst 400           # that many questions arriving at once, one each
    python bench/load.py --sessions 20 --rate  # asking alone, then asking and rating each answer (`/rate`)

Each session is its own gradio_client.Client (its own server-side conversation) asking questions
from the evaluation set in a loop, the next as soon as the previous answer is complete. Sessions
are spread over worker processes so the load generator is not held back by one interpreter.
Prints answers/s, latency p50/p95/max, errors (with the first messages) and the server's memory.
With --rate, each count runs twice: asking alone, then every session rating each answer it gets (👍 and 👎 in
turn, a 👎 with a reason and a clause) before its next question; the ratings acknowledged are counted against
the rows the server's records file gained (none may be lost).
"""
from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing as mp
import os
import re
import socket
import sqlite3
import tempfile
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else float("nan")


def questions(path: Path) -> list[str]:
    """Self-contained questions of the evaluation set (follow-ups need their earlier turns)."""
    items = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [item["question"] for item in items if not item.get("history")]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, extra: list[str]) -> subprocess.Popen:
    """`python -m assistant serve` on `port`, returned once it answers HTTP."""
    server = subprocess.Popen([sys.executable, "-m", "assistant", "serve", "--port", str(port), *extra], cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
    deadline = time.time() + 300
    while time.time() < deadline:
        if server.poll() is not None:
            sys.exit(f"the server stopped: {server.stderr.read()[-2000:]}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2).read(100)
            return server
        except OSError:
            time.sleep(0.5)
    server.kill()
    sys.exit("the server did not start within 300 s")


def memory_mb(pid: int) -> tuple[float, float]:
    """(resident MB now, peak resident MB) of a process."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0]) / 1024
    return fields.get("VmRSS", float("nan")), fields.get("VmHWM", float("nan"))


ANSWER_ID = re.compile(r"pa-rate\?a=([0-9a-f]{32})")
RATINGS = [("up", "", "", "", ""), ("down", "wrong_clause", "应引用一（三）", "000_a7ee23972fa017a8.txt", "一（三）"),
           ("down", "other", "", "", "")]


def rate_answer(client, connection, chat: list, n: int, out: list) -> None:
    """Rate the answer just given (its id is in its links) as the page does: one POST of the session's own to
    pa-rate, over the session's kept-alive connection (as a browser keeps one). Appends ("rated" | "rate-error",
    seconds, message); a refusal (HTTP 4xx/5xx) is an error."""
    content = chat[-1].get("content")
    text = content[0].get("text", "") if isinstance(content, list) and content else str(content)
    found = ANSWER_ID.search(text)
    if not found:
        out.append(("rate-error", 0.0, "no answer id in the reply"))
        return
    vote, reason, comment, source, label = RATINGS[n % len(RATINGS)]
    body = json.dumps({"session": client.session_hash, "answer": found.group(1), "vote": vote, "reason": reason,
                       "comment": comment, "source": source, "label": label}).encode()
    began = time.perf_counter()
    try:
        connection.request("POST", "/pa-rate", body, {"Content-Type": "application/json"})
        response = connection.getresponse()
        said = json.loads(response.read()).get("message", "")
        ok = response.status == 200 and said.startswith("谢谢！")
        out.append(("rated" if ok else "rate-error", time.perf_counter() - began, "" if ok else f"{response.status} {said[:200]}"))
    except Exception as exc:
        connection.close()  # opened again by the next request
        out.append(("rate-error", time.perf_counter() - began, f"{type(exc).__name__}: {exc}"[:300]))


def session_loop(url: str, asked: list[str], offset: int, start_at: float, stop_at: float, out: list,
                 rate: int = 0) -> None:
    """One session: a Client of its own, asking in a loop between start_at and stop_at (with `rate`, rating
    every rate-th answer it gets)."""
    from gradio_client import Client

    try:
        client = Client(url, verbose=False, ssl_verify=False)
    except Exception as exc:  # counted as an error of this session
        out.append(("error", 0.0, f"connect: {exc}"))
        return
    connection = http.client.HTTPConnection(urllib.parse.urlsplit(url).netloc, timeout=60)
    time.sleep(max(0.0, start_at - time.time()))
    n = offset
    while time.time() < stop_at:
        question = asked[n % len(asked)]
        n += 1
        began = time.perf_counter()
        try:
            chat, *_ = client.predict(question, api_name="/ask")
            ok = isinstance(chat, list) and chat and chat[-1].get("role") == "assistant"
            out.append(("ok" if ok else "error", time.perf_counter() - began, "" if ok else f"reply: {chat!r:.200}"))
        except Exception as exc:
            out.append(("error", time.perf_counter() - began, f"{type(exc).__name__}: {exc}"[:300]))
            continue
        if rate and ok and n % rate == 0 and time.time() < stop_at:
            rate_answer(client, connection, chat, n // rate, out)
    client.close()
    connection.close()


def worker(url: str, asked: list[str], sessions: list[int], start_at: float, stop_at: float, results,
           rate: int = 0) -> None:
    out: list = []
    threads = [threading.Thread(target=session_loop, args=(url, asked, 7 * s, start_at, stop_at, out, rate))
               for s in sessions]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    results.put(out)


def run_load(url: str, asked: list[str], sessions: int, seconds: float, processes: int, rate: int = 0) -> list:
    """Outcomes (status, seconds, message) of `sessions` sessions asking for `seconds` (after all connect)."""
    setup = 5 + sessions * 0.15  # every Client fetches the app's config first
    start_at = time.time() + setup
    results = mp.Queue()
    groups = [list(range(sessions))[i::processes] for i in range(processes)]
    workers = [mp.Process(target=worker, args=(url, asked, g, start_at, start_at + seconds, results, rate))
               for g in groups if g]
    for w in workers:
        w.start()
    outcomes = []
    for _ in workers:
        outcomes.extend(results.get())
    for w in workers:
        w.join()
    return outcomes


def hostile_posts(url: str, stop: threading.Event, counts: dict) -> None:
    """A client sending ~10 MB chats (a question with a huge history) to the queue, again and again."""
    import urllib.error

    history = [{"role": "user", "content": "问" * 1000}, {"role": "assistant", "content": "答" * 1000}] * 1700
    body = json.dumps({"data": ["2022年孕产妇死亡率的目标是多少？", history], "fn_index": 0,
                       "session_hash": f"hostile{threading.get_ident()}"}).encode()
    while not stop.is_set():
        request = urllib.request.Request(f"{url}/gradio_api/queue/join", data=body,
                                         headers={"Content-Type": "application/json"})
        try:
            urllib.request.urlopen(request, timeout=30).read()
            counts["accepted"] = counts.get("accepted", 0) + 1
        except urllib.error.HTTPError as exc:
            counts[exc.code] = counts.get(exc.code, 0) + 1
        except OSError as exc:
            counts[type(exc).__name__] = counts.get(type(exc).__name__, 0) + 1


def ratings_stored(records: Path | None) -> int | None:
    """Rows of the records file's feedback table (None when it is not known or not there yet)."""
    if records is None or not records.exists():
        return None
    with sqlite3.connect(records, timeout=30) as db:
        try:
            return db.execute("SELECT COUNT(*) FROM feedback").fetchone()[0]
        except sqlite3.OperationalError:
            return None


def report_ratings(outcomes: list, stored_before: int | None, stored_after: int | None) -> None:
    rated = [t for status, t, _ in outcomes if status == "rated"]
    errors = [msg for status, _, msg in outcomes if status == "rate-error"]
    gained = None if stored_after is None else stored_after - (stored_before or 0)
    lost = "?" if gained is None else len(rated) - gained
    print(f"{'  ratings':<28} acknowledged {len(rated):>5}  stored {gained if gained is not None else '?':>5}  "
          f"lost {lost}  p50 {percentile(rated, .5) * 1000:5.0f} ms  p95 {percentile(rated, .95) * 1000:5.0f} ms  "
          f"errors {len(errors)}", flush=True)
    for message in sorted(set(errors))[:5]:
        print(f"    rating error: {message}")


def cpu_seconds(pid: int | None) -> float:
    """User and system CPU seconds a process has used so far (nan when unknown)."""
    if pid is None:
        return float("nan")
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def report(label: str, outcomes: list, seconds: float, server_pid: int | None, cpu: float = float("nan")) -> float:
    """Print one line of figures (with `cpu`, the server's CPU seconds meanwhile); answers per second."""
    times = [t for status, t, _ in outcomes if status == "ok"]
    errors = [msg for status, _, msg in outcomes if status == "error"]
    rss = memory_mb(server_pid) if server_pid else (float("nan"), float("nan"))
    if cpu == cpu and times:
        label += f" (server CPU {1000 * cpu / len(times):.0f} ms/answer)"
    print(f"{label:<28} answers {len(times):>6}  {len(times) / seconds:6.1f}/s  "
          f"p50 {percentile(times, .5) * 1000:6.0f} ms  p95 {percentile(times, .95) * 1000:6.0f} ms  "
          f"max {max(times, default=float('nan')) * 1000:6.0f} ms  errors {len(errors)}  "
          f"server RSS {rss[0]:.0f} MB (peak {rss[1]:.0f})", flush=True)
    for message in sorted(set(errors))[:5]:
        print(f"    error: {message}")
    return len(times) / seconds


def compare_rating(url: str, asked: list[str], count: int, args, pid: int | None, records: Path | None,
                   label: str) -> None:
    """`count` sessions asking alone and asking while rating, in turn (alone first in even rounds, rating first in
    odd ones) for args.rounds rounds of args.seconds each; the figures of each mode over all its rounds, and the
    ratings acknowledged against the rows stored."""
    phases = {False: ([], 0.0), True: ([], 0.0)}
    before = ratings_stored(records)
    changes = []  # each round's answers/s rating against alone: one round's outside load shows as one outlier
    for round_ in range(args.rounds):
        per_second = {}
        for rating in ((False, True) if round_ % 2 == 0 else (True, False)):  # ABBA: a drift falls on both alike
            began = cpu_seconds(pid)
            outcomes = run_load(url, asked, count, args.seconds, args.processes, rate=args.rate_every if rating else 0)
            kept, cpu = phases[rating]
            phases[rating] = (kept + outcomes, cpu + cpu_seconds(pid) - began)
            per_second[rating] = sum(status == "ok" for status, _, _ in outcomes) / args.seconds
        changes.append(100 * (per_second[True] - per_second[False]) / max(per_second[False], 1e-9))
    seconds = args.seconds * args.rounds
    alone = report(f"{label} asking", *phases[False][:1], seconds, pid, phases[False][1])
    every = "every answer" if args.rate_every == 1 else f"1 answer in {args.rate_every}"
    rate = report(f"{label} asking+rating {every}", *phases[True][:1], seconds, pid, phases[True][1])
    report_ratings(phases[True][0], before, ratings_stored(records))
    print(f"    answers/s asking+rating vs asking alone ({args.rounds} rounds of {args.seconds:g} s each, in turn): "
          f"{rate:.2f} vs {alone:.2f} ({100 * (rate - alone) / alone:+.1f} %)", flush=True)
    print(f"    per round: {'  '.join(f'{c:+.1f} %' for c in changes)}  (median {statistics.median(changes):+.1f} %)",
          flush=True)


def burst_one(url: str, fn_index: int, number: int, out: list, go: threading.Event) -> None:
    """One question from a session of its own, posted the moment `go` is set, read to its end over
    the queue's event stream: ("answered" | "refused", highest queue position told, message)."""
    import urllib.error

    session = f"burst{number}"
    body = json.dumps({"data": [f"孕产妇死亡率的目标是多少？（{number}）", None], "fn_index": fn_index,
                       "session_hash": session}).encode()
    go.wait()
    try:
        urllib.request.urlopen(urllib.request.Request(f"{url}/gradio_api/queue/join", data=body,
                                                      headers={"Content-Type": "application/json"}), timeout=60).read()
    except urllib.error.HTTPError as exc:
        out.append(("refused", None, exc.read().decode("utf-8", "replace")[:200]))
        return
    position = None
    with urllib.request.urlopen(f"{url}/gradio_api/queue/data?session_hash={session}", timeout=600) as stream:
        for line in stream:
            if not line.startswith(b"data:"):
                continue
            message = json.loads(line[5:])
            if message.get("msg") == "estimation" and message.get("rank") is not None:
                position = max(position or 0, message["rank"] + 1)
            if message.get("msg") == "process_completed":
                ok = message.get("success")
                out.append(("answered" if ok else "failed", position, "" if ok else str(message.get("output"))[:200]))
                return
    out.append(("failed", position, "stream ended"))


def burst(url: str, count: int) -> None:
    """`count` questions arriving at once, each from its own session: who waits (told their place),
    who is refused (and with what message)."""
    from gradio_client import Client

    client = Client(url, verbose=False, ssl_verify=False)
    fn_index = client._infer_fn_index("/ask", None)
    client.close()
    out, go = [], threading.Event()
    threads = [threading.Thread(target=burst_one, args=(url, fn_index, i, out, go)) for i in range(count)]
    for t in threads:
        t.start()
    began = time.perf_counter()
    go.set()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - began
    tally = {kind: sum(1 for k, _, _ in out if k == kind) for kind in ("answered", "refused", "failed")}
    positions = [p for _, p, _ in out if p is not None]
    print(f"burst of {count} at once: {tally} in {seconds:.1f} s; waiting sessions were told their place "
          f"in the queue (up to {max(positions, default=0)})", flush=True)
    for message in sorted({m for k, _, m in out if k != "answered"})[:3]:
        print(f"    {message}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="an app already running (default: start one on a free port)")
    parser.add_argument("--sessions", default="20,60", help="comma-separated session counts (default 20,60)")
    parser.add_argument("--seconds", type=float, default=30.0, help="seconds of load per count (default 30)")
    parser.add_argument("--processes", type=int, default=2, help="load-generating processes (default 2)")
    parser.add_argument("--questions", type=Path, default=ROOT / "eval" / "questions.jsonl")
    parser.add_argument("--hostile", action="store_true", help="also two clients posting 10 MB chats throughout")
    parser.add_argument("--burst", type=int, default=0, help="finally, this many questions arriving at once")
    parser.add_argument("--rate", action="store_true",
                        help="run each count twice: asking alone, then asking and rating every answer")
    parser.add_argument("--rate-every", type=int, default=1, metavar="N", help="with --rate: each session rates every "
                                                                               "N-th answer it gets (default 1: all)")
    parser.add_argument("--rounds", type=int, default=4, help="with --rate: alternate the two modes this many times "
                                                                 "(default 4)")
    parser.add_argument("--records", type=Path, help="the server's records file, to count the ratings stored (default: "
                                                     "a new one for the server this starts)")
    parser.add_argument("--serve-args", default="", help="extra arguments for `assistant serve` (e.g. --concurrency 3)")
    args = parser.parse_args()

    server = None
    url = args.url
    records = args.records
    if url is None:
        port = free_port()
        if records is None:
            records = Path(tempfile.mkdtemp(prefix="load-records-")) / "records.sqlite"
        server = start_server(port, [*args.serve_args.split(), "--records", str(records)])
        url = f"http://127.0.0.1:{port}"
    asked = questions(args.questions)
    print(f"{url}: {len(asked)} questions, {os.cpu_count()} cores, {args.processes} load processes", flush=True)
    try:
        for count in (int(n) for n in args.sessions.split(",") if n.strip()):
            stop, counts, flooders = threading.Event(), {}, []
            if args.hostile:
                flooders = [threading.Thread(target=hostile_posts, args=(url, stop, counts)) for _ in range(2)]
                for f in flooders:
                    f.start()
            label = f"{count} sessions" + (" + 2 hostile" if args.hostile else "")
            pid = server.pid if server else None
            if args.rate:  # alone and rating in turn, `rounds` times: a machine's other load falls on both alike
                compare_rating(url, asked, count, args, pid, records, label)
                stop.set()
            else:
                began = cpu_seconds(pid)
                outcomes = run_load(url, asked, count, args.seconds, args.processes)
                stop.set()
                report(label, outcomes, args.seconds, pid, cpu_seconds(pid) - began)
            for f in flooders:
                f.join()
            if args.hostile:
                print(f"    hostile 10 MB requests: {counts}")
        if args.burst:
            burst(url, args.burst)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
