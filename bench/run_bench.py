"""Benchmark the engine on TPC-H data: each engine timing beside the bare DuckDB query that
does the same arithmetic, interleaved in one process, median of 3, wall and CPU seconds.

    make bench                          # scale factor 1: 1.5 M orders, 6 M lines, 200 k SKUs
    make bench SCALE="0.1 1 3"          # several scale factors, one child process each
    .venv/bin/python bench/run_bench.py --scale 0.1 --only run screens

Each scale factor runs in a child process (its peak RSS is reported), and each repetition
of each case in a grandchild (bench/cases.py), so a run's peak RSS is its own. Results go
to bench/results/sf<scale>.json and the tables in bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import report, tpch  # noqa: E402
from bench.bare import BARE_ALLOCATION, BARE_PAGE, BARE_RELEASABLE  # noqa: E402, F401
from bench.timing import median, run_child, summary  # noqa: E402
from bench.tpch import tpch_frames  # noqa: E402, F401 - other scripts import it from here

RESULTS = ROOT / "bench" / "results"
CASES = ("import", "run", "screens", "release", "receipt", "eta", "simulate", "profile")
RELEASE_SIZES = (10, 10_000, 100_000, 1_000_000)


def log(message: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def median_phases(runs: list[list[dict]]) -> list[dict]:
    """Each phase's start (seconds from the run's start), median over the runs."""
    return [{"phase": p["phase"],
             **{k: median([r[i][k] for r in runs if len(r) > i]) for k in ("wall", "cpu")}}
            for i, p in enumerate(runs[0])]


class Scale:
    """The cases of one scale factor, in order; each repetition a child process."""

    def __init__(self, scale: float, reps: int, imported: Path | None):
        self.scale, self.reps = scale, reps
        self.folder = tpch.generate(scale)
        # Files of one engine version: another version may not read them.
        self.work = tpch.DATA / f"work-{os.environ.get('BENCH_TAG', 'tree')}-sf{scale:g}"
        self.work.mkdir(parents=True, exist_ok=True)
        self.imported = self.work / "imported.duckdb"
        self.post_run = self.work / "post-run.duckdb"
        self.releasable = self.work / "releasable.duckdb"
        if imported is not None:  # a pristine imported file from elsewhere, copied
            shutil.copyfile(imported, self.imported)
        self.rss: dict[str, float] = {}

    def cfg(self, **extra) -> dict:
        return {"folder": str(self.folder), "work": str(self.work),
                "imported": str(self.imported), "post_run": str(self.post_run),
                "releasable": str(self.releasable), **extra}

    def child(self, case: str, **extra) -> dict:
        result, rss = run_child("bench.cases", case, json.dumps(self.cfg(**extra)))
        self.rss[case] = max(self.rss.get(case, 0.0), rss)
        return result

    def need(self, path: Path, case: str) -> None:
        if not path.exists():
            raise SystemExit(f"{path} is missing: run the {case} case first")

    # -- cases ----------------------------------------------------------------------------
    def import_(self) -> dict:
        reps = []
        for i in range(self.reps):
            reps.append(self.child("import", keep=str(self.imported) if i == 0 else None))
            log(f"  import {i + 1}: engine {reps[-1]['engine']['wall']:.2f} s, bare "
                f"{reps[-1]['bare']['wall']:.2f} s")
        first = reps[0]
        return {"engine": summary([r["engine"] for r in reps], [r["bare"] for r in reps]),
                "read_frames": summary([r["read_frames"] for r in reps]),
                "orders": first["orders"], "lines": first["lines"], "skus": first["skus"],
                "peak_rss_mb": max(r["peak_rss_mb"] for r in reps)}

    def run(self) -> dict:
        self.need(self.imported, "import")
        reps = []
        for i in range(self.reps):
            keep = str(self.post_run) if i == self.reps - 1 else None
            reps.append(self.child("run", keep=keep))
            r = reps[-1]
            log(f"  run {i + 1}: engine {r['engine']['wall']:.2f} s (cpu {r['engine']['cpu']:.2f}),"
                f" bare {r['bare']['wall']:.2f} s (cpu {r['bare']['cpu']:.2f}), "
                f"peak RSS {r['run_peak_rss_mb']:.0f} MB")
        bare = [r["bare"] for r in reps]
        computes = [r["compute"] for r in reps]
        writes = [{"wall": r["engine"]["wall"] - c["wall"], "cpu": r["engine"]["cpu"] - c["cpu"]}
                  for r, c in zip(reps, computes, strict=True) if c]
        return {"run": summary([r["engine"] for r in reps], bare),
                "compute": summary(computes, bare) if all(computes) else None,
                "writes": summary(writes, bare) if writes else None,
                "phases": median_phases([r["phases"] for r in reps]),
                "summary": reps[-1]["summary"],
                "run_peak_rss_mb": max(r["run_peak_rss_mb"] for r in reps),
                "rss_before_run_mb": max(r.get("rss_before_run_mb", 0) for r in reps),
                "peak_rss_mb": max(r["peak_rss_mb"] for r in reps)}

    def build_releasable(self) -> dict:
        self.need(self.post_run, "run")
        built = self.child("releasable")
        log(f"  {built['releasable']:,} of {built['open_backorders']:,} backorders releasable "
            f"after extra stock for {built['skus_restocked']:,} SKUs")
        return built

    def screens(self) -> dict:
        reps = []
        for i in range(self.reps):
            reps.append(self.child("screens"))
            log(f"  screens {i + 1}: releasable_now {reps[-1]['releasable_first']['wall']:.2f} s")
        reads = {label: summary([r["reads"][label] for r in reps]) for label in reps[0]["reads"]}
        back = reads.get("Orders: Back Order, by rank, first page")
        if back is not None:
            reads["Orders: Back Order, by rank, first page"] = summary(
                [r["reads"]["Orders: Back Order, by rank, first page"] for r in reps],
                [r["bare_page"] for r in reps])
        return {"releasable_first": summary([r["releasable_first"] for r in reps],
                                            [r["bare_releasable"] for r in reps]),
                "releasable_second": summary([r["releasable_second"] for r in reps]),
                "releasable_count": reps[0]["releasable_count"], "reads": reads,
                "peak_rss_mb": max(r["peak_rss_mb"] for r in reps)}

    def release(self, open_backorders: int) -> dict:
        sizes = sorted({min(s, open_backorders) for s in RELEASE_SIZES})
        reps = []
        for i in range(self.reps):
            reps.append(self.child("release", sizes=sizes))
            log(f"  release {i + 1}: " + ", ".join(
                f"{s:,} in {reps[-1][str(s)]['release']['wall']:.2f} s" for s in sizes))
        return {str(s): {"orders": reps[0][str(s)]["orders"],
                         "released": reps[0][str(s)]["released"],
                         "review": summary([r[str(s)]["review"] for r in reps]),
                         "release": summary([r[str(s)]["release"] for r in reps]),
                         "both": summary([{k: r[str(s)]["review"][k] + r[str(s)]["release"][k]
                                           for k in ("wall", "cpu")} for r in reps])}
                for s in sizes} | {"peak_rss_mb": max(r["peak_rss_mb"] for r in reps)}

    def receipt(self) -> dict:
        reps = [self.child("receipt") for _ in range(self.reps)]
        return {label: {k: reps[0][label][k] for k in ("sku", "qty", "released")}
                | {"time": summary([r[label]["sample"] for r in reps])}
                for label in reps[0] if label != "peak_rss_mb"}


    def eta(self) -> dict:
        reps = []
        for i in range(self.reps):
            reps.append(self.child("eta", scale=self.scale))
            log(f"  eta {i + 1}: " + ", ".join(
                f"{label} {r['first']['wall']:.2f} s (bare {r['bare']['wall']:.2f} s)"
                for label, r in reps[-1].items() if label != "peak_rss_mb"))
        return {label: {k: v for k, v in reps[0][label].items()
                        if k not in ("bare", "first", "second")}
                | {"first": summary([r[label]["first"] for r in reps],
                                    [r[label]["bare"] for r in reps]),
                   "second": summary([r[label]["second"] for r in reps])}
                for label in reps[0] if label != "peak_rss_mb"} | {
                    "peak_rss_mb": max(r["peak_rss_mb"] for r in reps)}

    def simulate(self) -> dict:
        """simulate_fulfillment beside the run's compute, paired per repetition."""
        self.need(self.imported, "import")
        reps = []
        for i in range(self.reps):
            reps.append(self.child("simulate"))
            r = reps[-1]
            log(f"  simulate {i + 1}: " + ", ".join(
                f"{label} {s['sample']['wall']:.2f} s" for label, s in r["simulations"].items())
                + f"; run compute {r['compute']['wall']:.2f} s, whole run "
                f"{r['run']['wall']:.2f} s; same summary: {r['same_summary']}")
        computes = [r["compute"] for r in reps]
        return {"simulations": {
                    label: {"alerts": reps[0]["simulations"][label]["alerts"],
                            "vs_compute": summary([r["simulations"][label]["sample"]
                                                   for r in reps], computes),
                            "vs_bare": summary([r["simulations"][label]["sample"]
                                                for r in reps], [r["bare"] for r in reps])}
                    for label in reps[0]["simulations"]},
                "compute": summary(computes, [r["bare"] for r in reps]),
                "run": summary([r["run"] for r in reps]),
                "same_summary": all(r["same_summary"] for r in reps),
                "summary": reps[0]["summary"],
                "fair_share_summary": reps[0]["fair_share_summary"],
                "peak_rss_mb": max(r["peak_rss_mb"] for r in reps)}


def one_scale(scale: float, reps: int, only: list[str], imported: Path | None) -> dict:
    started = time.perf_counter()
    s = Scale(scale, reps, imported)
    out: dict = {"scale": scale, "reps": reps, "machine": report.machine(),
                 "load_before": os.getloadavg()}
    log(f"TPC-H scale {scale:g}, work files in {s.work}")
    if "import" in only:
        out["import"] = s.import_()
    if "run" in only:
        out["run"] = s.run()
    if {"screens", "release", "receipt", "eta", "profile"} & set(only):
        out["releasable"] = s.build_releasable()
    if "screens" in only:
        out["screens"] = s.screens()
    if "release" in only:
        out["release"] = s.release(out["releasable"]["open_backorders"])
    if "receipt" in only:
        out["receipt"] = s.receipt()
    if "eta" in only:
        out["eta"] = s.eta()
    if "simulate" in only:
        out["simulate"] = s.simulate()
    if "profile" in only:
        sizes = [min(max(RELEASE_SIZES), out["releasable"]["open_backorders"])]
        out["profile"] = s.child("profile", sizes=sizes)
        log("  profiled run, releasable_now, Home, review and release")
    out["case_peak_rss_mb"] = s.rss
    out["load_after"] = os.getloadavg()
    out["seconds"] = time.perf_counter() - started
    return out


def git(*args: str) -> str:
    return subprocess.run(["git", "-C", str(ROOT), *args], check=True, capture_output=True,
                          text=True).stdout.strip()


def working_tree_version() -> str:
    """The commit benched, and whether engine/ differs from it."""
    dirty = git("status", "--porcelain", "--", "engine")
    return git("rev-parse", "--short", "HEAD") + (" + uncommitted engine changes"
                                                    if dirty else "")


def snapshot(rev: str) -> tuple[Path, str]:
    """The project as committed at `rev`, exported beside the data (which it shares)."""
    commit = git("rev-parse", "--short", rev)
    root = tpch.DATA / f"snapshot-{commit}"
    if not root.exists():
        staging = root.with_name(root.name + ".part")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", commit],
                                 check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(staging)], input=archive, check=True)
        shutil.rmtree(staging / "bench" / "tpch-data", ignore_errors=True)
        (staging / "bench" / "tpch-data").symlink_to(tpch.DATA)
        staging.rename(root)
    return root, commit


def merge(old: dict, new: dict) -> dict:
    """The cases of `new` over those of `old`; peaks are the larger of the two."""
    merged = {**old, **new}
    merged["peak_rss_mb"] = max(old.get("peak_rss_mb", 0), new["peak_rss_mb"])
    merged["case_peak_rss_mb"] = {**old.get("case_peak_rss_mb", {}),
                                  **new.get("case_peak_rss_mb", {})}
    return merged


NEW_CASES = {"eta", "simulate"}  # cases younger than the last full run: benched on their own


def merge_newer(old: dict, new: dict, only: list[str]) -> dict:
    """A case the last full run did not have, benched alone at a later version, beside the
    older results: it carries its own version and date; the rest stays as it was (the
    releasable database it was built from is rebuilt the same way, so its facts stay)."""
    merged = dict(old)
    for case in only:
        merged[case] = {**{k: ({**v, "engine_version": new["engine_version"],
                                "date": new["date"]} if isinstance(v, dict) and "first" in v
                               else v) for k, v in new[case].items()}}
        if case == "simulate":  # one table row group: stamped once
            merged[case] |= {"engine_version": new["engine_version"], "date": new["date"],
                             "load": [new.get("load_before"), new.get("load_after")]}
    merged["peak_rss_mb"] = max(old.get("peak_rss_mb", 0), new["peak_rss_mb"])
    merged["case_peak_rss_mb"] = {**old.get("case_peak_rss_mb", {}),
                                  **{k: v for k, v in new.get("case_peak_rss_mb", {}).items()
                                     if k in only}}
    return merged


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, nargs="+", default=[1.0])
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--only", nargs="+", choices=CASES, default=list(CASES))
    parser.add_argument("--imported", type=Path,
                        help="copy this pristine imported database instead of importing "
                             "(development; one scale only)")
    parser.add_argument("--at-commit", metavar="REV",
                        help="bench the project as committed at REV (git archive into "
                             "bench/tpch-data/snapshot-REV), not the working tree")
    parser.add_argument("--one-scale", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--no-readme", action="store_true",
                        help="leave bench/README.md as it is")
    args = parser.parse_args()
    if args.one_scale:  # the child process of one scale factor
        print(json.dumps(one_scale(args.scale[0], args.reps, args.only, args.imported),
                         default=str), flush=True)
        return
    RESULTS.mkdir(exist_ok=True)
    root, version = (snapshot(args.at_commit) if args.at_commit
                     else (ROOT, working_tree_version()))
    for scale in args.scale:
        cmd = ["--scale", f"{scale:g}", "--reps", str(args.reps), "--only", *args.only,
               "--one-scale"] + (["--imported", str(args.imported)] if args.imported else [])
        result, rss = run_child("bench.run_bench", *cmd, root=root,
                                env={"BENCH_TAG": version.split()[0] if args.at_commit
                                     else "tree"})
        result["engine_version"] = version
        result["peak_rss_mb"] = rss
        result["date"] = datetime.now().isoformat(timespec="minutes")
        path = RESULTS / f"sf{scale:g}.json"
        old = json.loads(path.read_text()) if path.exists() else {}
        if old.get("engine_version") == version and set(args.only) != set(CASES):
            result = merge(old, result)  # a partial rerun of one version keeps the rest
        elif old and set(args.only) <= NEW_CASES:
            result = merge_newer(old, result, args.only)
        path.write_text(json.dumps(result, indent=1, default=str) + "\n")
        log(f"scale {scale:g} done in {result['seconds']:.0f} s, peak RSS {rss:.0f} MB: {path}")
        print(report.scale_table(result))
    if not args.no_readme:
        report.update_readme()


if __name__ == "__main__":
    main()
