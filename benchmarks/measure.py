"""Whole-process wall time and peak memory of commands, as /usr/bin/time -v reports them.

A child's peak RSS includes the memory of the process that started it, up to its exec. So the
commands are started by a small launcher (this file run as a script, standard library only,
about 10 MB), never by the benchmark's own process, which grows with the corpus. A command
smaller than the launcher shows the launcher's size.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass(frozen=True)
class Measurement:
    seconds: float
    peak_rss_mb: float  # the largest resident set of any one process (with the children it waited for)
    processes: int
    returncode: int  # of the last command run: the first that fails stops the run
    summary: str  # the last line the last command printed, or what went wrong
    load: float  # the 1-minute load average when it started: other work on the machine skews times

    def as_dict(self) -> dict:
        return asdict(self) | {"seconds": round(self.seconds, 3), "peak_rss_mb": round(self.peak_rss_mb, 1)}


def measure(commands: list[list[str]], cwd: Path) -> Measurement:
    """Run the commands one after another, as `set -e` in a shell loop would; total wall time, largest peak RSS."""
    launcher = subprocess.run([sys.executable, "-S", __file__], input=json.dumps(commands), cwd=cwd,
                              capture_output=True, text=True, check=True)
    return Measurement(**json.loads(launcher.stdout))


def _launch(commands: list[list[str]]) -> dict:
    peak_kb, code, run = 0, 0, 0
    load = os.getloadavg()[0]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        for command in commands:
            for handle in (out, err):  # keep only the current command's output
                handle.seek(0)
                handle.truncate()
            try:
                process = subprocess.Popen(command, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
            except OSError as exc:  # not installed: reported like a shell's "command not found"
                err.write(f"{command[0]}: {exc.strerror}".encode())
                code = 127
                break
            _, status, usage = os.wait4(process.pid, 0)  # this process and the children it waited for
            process.returncode = os.waitstatus_to_exitcode(status)
            peak_kb, code, run = max(peak_kb, usage.ru_maxrss), process.returncode, run + 1
            if code:
                break
        seconds = time.perf_counter() - start
        summary = _last_line(err if code else out) or _last_line(out if code else err)
    return {"seconds": seconds, "peak_rss_mb": peak_kb / 1024, "processes": run, "returncode": code,
            "summary": summary, "load": load}


def _last_line(handle) -> str:
    handle.seek(0)
    lines = handle.read().decode("utf-8", "replace").strip().splitlines()
    return lines[-1].strip() if lines else ""


if __name__ == "__main__":
    print(json.dumps(_launch(json.load(sys.stdin))))
