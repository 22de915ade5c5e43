"""Builds yield the CPU to questions.

A build beside a server (an upload, a catch-up after a change, `python -m assistant build` run by an admin)
took the server's warm p95 at 10⁵ parts from ~40 to ~85 ms on two cores: both compete at the same priority.
A build thread lowers its own priority (on Linux a thread's nice value is its own, and the threads it
starts, such as ONNX Runtime's pool, inherit it), so a question gets the CPU first and a build alone on the
machine is no slower.
"""
from __future__ import annotations

import os
import threading


def lower_this_thread(niceness: int) -> None:
    """Make the calling thread (and the threads it starts) at least `niceness` nice; never raises."""
    if niceness <= 0 or not hasattr(os, "setpriority"):
        return
    try:
        thread = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, thread, max(niceness, os.getpriority(os.PRIO_PROCESS, thread)))
    except OSError:  # not allowed here: the build runs at the priority it has
        pass
