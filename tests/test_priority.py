"""Builds run at a lower CPU priority than the questions answered beside them."""
from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from assistant.priority import lower_this_thread

ROOT = Path(__file__).resolve().parent.parent


def _nice_of_thread() -> int:
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


def test_a_build_thread_lowers_itself_and_what_it_starts_but_not_the_server():
    seen = {}

    def build() -> None:
        lower_this_thread(_nice_of_thread() + 5)
        seen["build"] = _nice_of_thread()
        child = threading.Thread(target=lambda: seen.setdefault("started by it", _nice_of_thread()))
        child.start()
        child.join()

    before = _nice_of_thread()
    thread = threading.Thread(target=build)
    thread.start()
    thread.join()
    assert seen["build"] == seen["started by it"] == before + 5
    assert _nice_of_thread() == before  # the thread answering questions keeps its priority
    lower_this_thread(0)  # 0: nothing changes
    assert _nice_of_thread() == before


def test_the_build_command_runs_niced(tmp_path):
    """`python -m assistant build` on an empty corpus folder: it refuses, after lowering itself."""
    (tmp_path / "corpus").mkdir()
    script = ("import os, sys; from assistant import cli; from assistant import priority; "
              "real = priority.lower_this_thread; "
              "priority.lower_this_thread = lambda n: (real(n), print('nice', os.getpriority(os.PRIO_PROCESS, 0), flush=True)); "
              "cli.main(['build', '-q', '--niceness', '7', '--corpus', sys.argv[1], '--index', sys.argv[2]])")
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path / "corpus"), str(tmp_path / "index")], cwd=ROOT,
                          capture_output=True, text=True)
    assert f"nice {max(7, os.getpriority(os.PRIO_PROCESS, 0))}" in done.stdout
