"""Start-up benchmark: `import journeylab` and `journeylab --help` in fresh processes.

Each command runs ``--repeat`` times (default 5) as a new process; reported: the median
wall time and the median CPU seconds (user + system of the process, from ``wait4``), beside
``python -c pass`` (the interpreter's own start, the floor). Run by hand, never in tests:

    .venv/bin/python benchmarks/startup.py [--repeat 5]

Numbers go to docs/performance.md ("Start-up"); targets (issue 15): import ≤ 0.4 s and
``--help`` ≤ 0.5 s wall, median of 5.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import description  # noqa: E402

CLI = str(Path(sys.executable).parent / "journeylab")
COMMANDS = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "import journeylab": [sys.executable, "-c", "import journeylab"],
    "journeylab --help": [CLI, "--help"],
}


def run_once(cmd: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of one fresh process running ``cmd``."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {err}")
    return wall, usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=description(__doc__))
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    for label, cmd in COMMANDS.items():
        run_once(cmd)  # warm the page cache: the numbers are of a warm machine
        runs = [run_once(cmd) for _ in range(args.repeat)]
        wall = statistics.median(w for w, _ in runs)
        cpu = statistics.median(c for _, c in runs)
        print(f"{label:20s} wall {wall:.3f} s  CPU {cpu:.3f} s  (median of {args.repeat})")


if __name__ == "__main__":
    main()
