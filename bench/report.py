"""The machine, and bench/results/*.json as Markdown tables in bench/README.md (between the
results markers), each target marked met or missed."""

from __future__ import annotations

import json
import os
import platform
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
README = ROOT / "bench" / "README.md"
BEGIN, END = "<!-- results:begin -->", "<!-- results:end -->"

# Targets of issue 10, at SF 1.
RUN_RATIO, COMPUTE_RATIO = 2.5, 1.5
SCREEN_SECONDS = 1.0
RELEASE_10_SECONDS, RELEASE_1M_SECONDS = 0.1, 3.0
RUN_RSS_MB = 2048
SIMULATE_RATIO = 1.2  # issue 12: a simulation within 1.2x of the run's compute
BROWSER_SECONDS = 3.0
TARGET_SCALE = 1.0


def machine() -> dict:
    import duckdb
    import pandas

    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
                if line.startswith("model name")), platform.processor())
    ram = next((int(line.split()[1]) // 1024 for line in open("/proc/meminfo")
                if line.startswith("MemTotal")), 0)
    return {"nproc": os.cpu_count(), "ram_mb": ram, "cpu": cpu,
            "python": platform.python_version(), "duckdb": duckdb.__version__,
            "pandas": pandas.__version__}


# -- formatting ---------------------------------------------------------------------------
def sec(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:.3f} s" if value < 1 else f"{value:.2f} s"


def ratio(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}×"


def mark(ok: bool | None, target: str) -> str:
    if ok is None:
        return ""
    return f"{target}: met" if ok else f"{target}: **missed**"


def row(label: str, t: dict | None, target: str = "", ok: bool | None = None) -> str:
    t = t or {}
    return (f"| {label} | {sec(t.get('wall'))} | {sec(t.get('cpu'))} | "
            f"{sec(t.get('bare_wall'))} | {sec(t.get('bare_cpu'))} | "
            f"{ratio(t.get('ratio_wall'))} | {ratio(t.get('ratio_cpu'))} | "
            f"{mark(ok, target) if ok is not None else target} |")


HEADER = ("| case | engine wall | engine CPU | bare wall | bare CPU | ratio wall | ratio CPU "
          "| target |\n|---|---:|---:|---:|---:|---:|---:|---|")


def scale_table(r: dict) -> str:
    """One scale factor's results as Markdown."""
    at_target = r["scale"] == TARGET_SCALE
    check = (lambda ok: ok) if at_target else (lambda ok: None)  # targets are at SF 1
    out = [f"### SF {r['scale']:g}", ""]
    facts = []
    if "import" in r:
        i = r["import"]
        facts.append(f"{i['orders']:,} orders, {i['lines']:,} lines, {i['skus']:,} SKUs")
    if "run" in r:
        s = r["run"]["summary"]
        facts.append(f"the run allocated {s.get('units_allocated', 0):,} of "
                     f"{s.get('units_requested', 0):,} units and made "
                     f"{s.get('backorders_created', 0):,} backorders")
    if "releasable" in r:
        b = r["releasable"]
        facts.append(f"then extra stock for {b['skus_restocked']:,} SKUs made "
                     f"{b['releasable']:,} of {b['open_backorders']:,} open backorders "
                     "releasable")
    out += [f"{r.get('date', '')}, engine at {r.get('engine_version', '?')}, median of "
            f"{r['reps']}; " + "; ".join(facts) + ".", "", HEADER]
    if "run" in r:
        run = r["run"]
        out.append(row("`run_fulfillment` over every order ÷ allocation window", run["run"],
                       f"≤ {RUN_RATIO}×", check(run["run"]["ratio_wall"] <= RUN_RATIO)))
        if run.get("compute"):
            out.append(row("… its compute (until it reports Writing)", run["compute"],
                           f"≤ {COMPUTE_RATIO}×",
                           check(run["compute"]["ratio_wall"] <= COMPUTE_RATIO)))
            out.append(row("… its writes (from Writing to the end)", run["writes"]))
        else:
            out.append(row("… its compute: the run reported no phase starting \"Writing\"",
                           None, f"≤ {COMPUTE_RATIO}×"))
    if "import" in r:
        out.append(row("import items + inventory + orders ÷ `CREATE TABLE AS` from Parquet",
                       r["import"]["engine"]))
        out.append(row("(read the Parquet files into the import frames)",
                       r["import"]["read_frames"]))
    if "releasable" in r:
        out.append(row("`import_inventory` of the extra stock",
                       r["releasable"]["import_extra_stock"]))
    if "screens" in r:
        sc = r["screens"]
        first = sc["releasable_first"]
        out.append(row(f"`releasable_now()` first call after the change ({sc['releasable_count']:,}"
                       ") ÷ needs query", first, f"≤ {SCREEN_SECONDS:g} s",
                       check(first["wall"] <= SCREEN_SECONDS)))
        out.append(row("`releasable_now()` second call", sc["releasable_second"],
                       f"≤ {SCREEN_SECONDS:g} s",
                       check(sc["releasable_second"]["wall"] <= SCREEN_SECONDS)))
        for label, t in sc["reads"].items():
            out.append(row(f"screen: {label}", t, f"≤ {SCREEN_SECONDS:g} s",
                           check(t["wall"] <= SCREEN_SECONDS)))
    if "release" in r:
        for size, t in r["release"].items():
            if size == "peak_rss_mb":
                continue
            n = t["orders"]
            target, ok = "", None
            if n <= 10:
                target, ok = f"≤ {RELEASE_10_SECONDS:g} s", t["both"]["wall"] <= RELEASE_10_SECONDS
            elif n >= 1_000_000:
                target, ok = f"≤ {RELEASE_1M_SECONDS:g} s", t["both"]["wall"] <= RELEASE_1M_SECONDS
            each = f"; {t['both']['wall'] / n * 1e6:,.0f} µs per order" if n >= 10_000 else ""
            out.append(row(f"review + release of {n:,} backorders ({t['released']:,} released; "
                           f"review {sec(t['review']['wall'])}, release "
                           f"{sec(t['release']['wall'])}{each})",
                           t["both"], target, check(ok) if ok is not None else None))
    if "receipt" in r:
        for label, t in r["receipt"].items():
            out.append(row(f"`receive` {t['qty']:,} of SKU {t['sku']} ({label}): "
                           f"released {t['released']:,}", t["time"]))
    if "eta" in r:
        for label, t in r["eta"].items():
            if label == "peak_rss_mb":
                continue
            at = f"; engine at {t['engine_version']}" if t.get("engine_version") else ""
            out.append(row(
                f"`backorder_eta()` first call, {label} ({t['open_backorders']:,} backorders, "
                f"{t['with_eta']:,} with an ETA, {t['free_stock']:,} by free stock; "
                f"{t['receipt_lines']:,} receipt lines over {t['receipt_skus']:,} SKUs{at}) "
                "÷ bare ETA window", t["first"], f"≤ {SCREEN_SECONDS:g} s",
                check(t["first"]["wall"] <= SCREEN_SECONDS)))
            out.append(row(f"`backorder_eta()` second call, {label}", t["second"]))
    if "simulate" in r:
        out += simulate_rows(r["simulate"], check)
    out += ["", rss_line(r), ""]
    if "run" in r and r["run"].get("phases"):
        out.append("Phases of the run (when each starts, seconds, wall / CPU, median): "
                   + ", ".join(f"{p['phase']} {p['wall']:.2f} / {p['cpu']:.2f}"
                               for p in r["run"]["phases"]) + ".")
        out.append("")
    if r.get("profile"):
        out.append(profile_text(r["profile"]))
    return "\n".join(out)


def simulate_rows(sim: dict, check) -> list[str]:
    """Issue 12: simulate_fulfillment of the run case's orders against the compute of a run
    of the same orders on the same copy, paired per repetition."""
    at = f"engine at {sim['engine_version']}; " if sim.get("engine_version") else ""
    s = sim["summary"]
    out = [row(f"run compute in the simulate case's repetitions ({at}the run's own compute "
               f"÷ allocation window; the whole run {sec(sim['run']['wall'])})",
               sim["compute"])]
    for label, t in sim["simulations"].items():
        alerts = (f"first {t['alerts']:,} alerts" if label != "rank, every alert"
                  else f"all {t['alerts']:,} alerts as a frame")
        target, ok = "", None
        if label == "rank":
            target = f"≤ {SIMULATE_RATIO:g}× compute"
            ok = check(t["vs_compute"]["ratio_wall"] <= SIMULATE_RATIO)
        policy = label.split(",")[0]
        out.append(row(f"`simulate_fulfillment` over every order, {policy}, {alerts} "
                       "÷ the run's compute", t["vs_compute"], target, ok))
        out.append(row("… the same ÷ allocation window", t["vs_bare"]))
    fair = sim["fair_share_summary"]
    out.append(row(f"(simulation and run agree on the summary: {sim['same_summary']}; rank "
                   f"allocates {s['units_allocated']:,} of {s['units_requested']:,} units, "
                   f"{s['backorders_created']:,} backorders; fair share "
                   f"{fair['units_allocated']:,} units, {fair['backorders_created']:,} "
                   "backorders)", None))
    return out


def profile_text(profiles: dict) -> str:
    """The statements that took longest, per profiled call (an extra, untimed repetition)."""
    out = ["<details><summary>Profile: the longest SQL statements of each call (one extra "
           "repetition, every statement timed)</summary>", ""]
    for call, p in profiles.items():
        out.append(f"**{call}**: {p['wall']:.2f} s, of which {p['in_sql']:.2f} s in "
                   f"{p['statements']:,} SQL statements and {p['wall'] - p['in_sql']:.2f} s "
                   "outside them (Python, fetching results).")
        out.append("")
        out += [f"- {t['seconds']:.2f} s ({t['times']}×) `{t['sql']}`" for t in p["top"]]
        out.append("")
    out += ["</details>", ""]
    return "\n".join(out)


def rss_line(r: dict) -> str:
    parts = [f"Peak RSS of the whole scale factor: {r.get('peak_rss_mb', 0):,.0f} MB"]
    if "run" in r:
        mb = r["run"]["run_peak_rss_mb"]
        target = ""
        if r["scale"] == TARGET_SCALE:
            target = f" ({mark(mb < RUN_RSS_MB, f'< {RUN_RSS_MB / 1024:g} GB')})"
        before = r["run"].get("rss_before_run_mb")
        parts.append(f"of the run step alone: {mb:,.0f} MB{target}" + (
            f" (the process held {before:,.0f} MB as the run began: Python, pandas, the "
            "order numbers, what the bare query left)" if before else ""))
    if r["scale"] >= 3 and "run" in r:
        done = mark(True, "SF 3 completes")
        parts.append(f"the run completed under the engine's memory cap ({done})")
    cases = r.get("case_peak_rss_mb", {})
    if cases:
        parts.append("per case (child process): " + ", ".join(
            f"{k} {v:,.0f} MB" for k, v in cases.items()))
    return "; ".join(parts) + "."


def browser_table(b: dict) -> str:
    scale = f"SF {b['scale']:g}" if b.get("scale") else b.get("db", "")
    out = [f"### Browser check ({scale}, {b.get('date', '')}, engine at "
           f"{b.get('engine_version', '?')})", "",
           "Seconds from navigating to the screen's URL until its title shows and Streamlit "
           "has stopped running the script: first open right after the server started, then "
           "the median of the next opens (the app's caches warm).", "",
           "| screen | first open | again | problems | target |", "|---|---:|---:|---|---|"]
    for screen, t in b["screens"].items():
        worst = t.get("worst")
        ok = worst is not None and worst < BROWSER_SECONDS
        out.append(f"| {screen} | {sec(t['first']) or 'failed'} | {sec(t['again'])} | "
                   f"{'; '.join(t['problems'])[:120]} | "
                   f"{mark(ok, f'< {BROWSER_SECONDS:g} s')} |")
    return "\n".join(out) + "\n"


def render() -> str:
    results = sorted((json.loads(p.read_text()) for p in RESULTS.glob("sf*.json")),
                     key=lambda r: r["scale"])
    if not results:
        return "No results yet: run `make bench`.\n"
    m = results[-1]["machine"]
    out = [f"Machine: {m['nproc']} cores ({m['cpu']}), {m['ram_mb'] / 1024:.0f} GB RAM, "
           f"Python {m['python']}, DuckDB {m['duckdb']}, pandas {m['pandas']}. Load average "
           "(1, 5, 15 min) before → after each scale: " + "; ".join(
               f"SF {r['scale']:g} {fmt_load(r.get('load_before'))} → "
               f"{fmt_load(r.get('load_after'))}" for r in results) + ".", ""]
    out += [scale_table(r) for r in results]
    browser = RESULTS / "browser.json"
    if browser.exists():
        out.append(browser_table(json.loads(browser.read_text())))
    return "\n".join(out)


def fmt_load(load) -> str:
    return "/".join(f"{v:.1f}" for v in load) if load else "?"


def update_readme() -> None:
    text = README.read_text() if README.exists() else f"# Bench\n\n{BEGIN}\n{END}\n"
    block = f"{BEGIN}\n{render()}\n{END}"
    text = re.sub(re.escape(BEGIN) + ".*?" + re.escape(END), lambda _: block, text,
                  flags=re.S)
    README.write_text(text)


if __name__ == "__main__":
    update_readme()
