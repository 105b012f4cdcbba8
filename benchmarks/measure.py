"""Whole-process wall time and peak memory of commands, as /usr/bin/time -v reports them."""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Measurement:
    seconds: float
    peak_rss_mb: float  # the largest resident set of any one process (and its waited-for children)
    processes: int
    returncode: int  # of the last command run: the first that failed stops the run
    summary: str  # the last line the last command printed, or what went wrong

    def as_dict(self) -> dict:
        return {"seconds": round(self.seconds, 3), "peak_rss_mb": round(self.peak_rss_mb, 1),
                "processes": self.processes, "returncode": self.returncode, "summary": self.summary}


def measure(commands: list[list[str]], cwd: Path) -> Measurement:
    """Run the commands one after another, as `set -e` in a shell loop would; total wall time, largest peak RSS."""
    peak_kb, code, run = 0, 0, 0
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        for command in commands:
            for handle in (out, err):  # keep only the current command's output
                handle.seek(0)
                handle.truncate()
            process = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
            _, status, usage = os.wait4(process.pid, 0)  # this process and the children it waited for
            process.returncode = os.waitstatus_to_exitcode(status)
            peak_kb, code, run = max(peak_kb, usage.ru_maxrss), process.returncode, run + 1
            if code:
                break
        seconds = time.perf_counter() - start
        summary = _last_line(err if code else out) or _last_line(out if code else err)
    return Measurement(seconds, peak_kb / 1024, run, code, summary)


def _last_line(handle) -> str:
    handle.seek(0)
    lines = handle.read().decode("utf-8", "replace").strip().splitlines()
    return lines[-1].strip() if lines else ""
