"""Wall and CPU time of one call, medians over repetitions, peak RSS, and child processes.

The machine is shared, so wall time alone says little: every sample carries CPU seconds
(time.process_time, all of the process's threads, DuckDB's included) beside wall seconds,
and an engine timing is compared with the bare query measured right before it in the same
process (a paired ratio), never with one from another moment."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Sample:
    wall: float
    cpu: float


def measure(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[Any, Sample]:
    """`fn(*args, **kwargs)`, its value and how long it took."""
    cpu, wall = time.process_time(), time.perf_counter()
    value = fn(*args, **kwargs)
    return value, Sample(time.perf_counter() - wall, time.process_time() - cpu)


def median(values: list[float]) -> float | None:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def summary(samples: list[dict], bare: list[dict] | None = None) -> dict:
    """Medians of wall and CPU seconds; with `bare` (paired samples, same repetitions),
    the medians of the per-repetition ratios as well."""
    out = {"wall": median([s["wall"] for s in samples]),
           "cpu": median([s["cpu"] for s in samples]),
           "walls": [round(s["wall"], 4) for s in samples], "n": len(samples)}
    if bare:
        out["bare_wall"] = median([b["wall"] for b in bare])
        out["bare_cpu"] = median([b["cpu"] for b in bare])
        out["bare_walls"] = [round(b["wall"], 4) for b in bare]
        out["ratio_wall"] = median([s["wall"] / b["wall"] for s, b in zip(samples, bare,
                                                                          strict=True)])
        out["ratio_cpu"] = median([s["cpu"] / b["cpu"] for s, b in zip(samples, bare,
                                                                       strict=True)
                                   if b["cpu"] > 0])
    return out


def as_dict(sample: Sample) -> dict:
    return asdict(sample)


# -- memory -------------------------------------------------------------------------------
def _status_mb(field: str) -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def peak_rss_mb() -> float:
    """This process's peak resident set (VmHWM), in MB."""
    return _status_mb("VmHWM")


def rss_mb() -> float:
    """This process's resident set now (VmRSS), in MB."""
    return _status_mb("VmRSS")


def reset_peak_rss() -> None:
    """Start this process's peak RSS afresh (Linux: 5 into clear_refs), so the peak that
    follows belongs to one step alone."""
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
    except OSError:
        pass


# -- child processes ----------------------------------------------------------------------
def run_child(module: str, *args: str, root: Path = ROOT, env: dict | None = None
              ) -> tuple[dict, float]:
    """Run `python -m module args...` in the project at `root`, which prints one JSON
    object as its last line of stdout; return it and the child's peak RSS in MB (with its
    own children's, from wait4). The child's stderr goes to ours."""
    proc = subprocess.Popen([sys.executable, "-m", module, *args], cwd=root,
                            stdout=subprocess.PIPE,
                            env={**os.environ, **(env or {}), "PYTHONPATH": str(root)})
    try:
        out = proc.stdout.read()
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    except BaseException:
        proc.kill()
        raise
    if proc.returncode != 0:
        raise RuntimeError(f"{module} {' '.join(args)} failed with exit code "
                           f"{proc.returncode}:\n{out.decode(errors='replace')[-3000:]}")
    lines = [line for line in out.decode().splitlines() if line.strip()]
    return json.loads(lines[-1]), usage.ru_maxrss / 1024


def child_reply(result: dict) -> None:
    """The child's side of `run_child`: its result as the last line of stdout."""
    print(json.dumps(result, default=str), flush=True)
