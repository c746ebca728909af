"""One repetition of one bench case, run in a child process of its own:

    python -m bench.cases CASE '{"json": "config"}'

prints one JSON object (wall and CPU samples, counts, peak RSS). Within a repetition the
bare DuckDB query runs right before the engine call it is compared with, on the same file.
Every case that writes works on a fresh copy of a database file and deletes it after."""

from __future__ import annotations

import json
import math
import shutil
import sys
import time
from pathlib import Path

import pandas as pd

import engine
from bench import bare, screens, tpch
from bench.timing import as_dict, child_reply, measure, peak_rss_mb, reset_peak_rss, rss_mb

EXTRA_STOCK_SHARE = 0.5  # after the run, each SKU receives half the units waiting for it


# -- files --------------------------------------------------------------------------------
def copy_db(source: Path, target: Path) -> Path:
    """A fresh copy of a closed database. A .wal beside it means it was not closed (not
    checkpointed), so the copy would miss what the WAL holds: refuse."""
    if Path(f"{source}.wal").exists():
        raise RuntimeError(f"{source}.wal exists: close the Warehouse before copying")
    remove_db(target)
    shutil.copyfile(source, target)
    return target


def remove_db(path: Path) -> None:
    for leftover in (path, Path(f"{path}.wal")):
        leftover.unlink(missing_ok=True)
    for spill in (Path(f"{path}.spill"), Path(f"{path}.bare-spill")):
        shutil.rmtree(spill, ignore_errors=True)


def bare_sample(path: Path, sql: str, fetch: str | None = None) -> dict:
    con = bare.connect(path)
    try:
        run = (lambda: getattr(con.execute(sql), fetch)()) if fetch else (lambda: con.execute(sql))
        return as_dict(measure(run)[1])
    finally:
        con.close()


# -- cases --------------------------------------------------------------------------------
def case_import(cfg: dict) -> dict:
    """Bare `CREATE TABLE AS` from the Parquet files, then the engine's three imports of
    the same mapping (frames read beforehand, timed on their own)."""
    folder, work = Path(cfg["folder"]), Path(cfg["work"])
    bare_db, engine_db = work / "import-bare.duckdb", work / "import-engine.duckdb"
    remove_db(bare_db)
    remove_db(engine_db)
    frames, read = measure(tpch.tpch_frames, folder)
    items, inventory, orders, lines = frames
    con = bare.connect(bare_db)
    try:
        _, bare_s = measure(tpch.import_bare, con, folder)
    finally:
        con.close()
    remove_db(bare_db)
    wh = engine.open(str(engine_db))
    try:
        _, engine_s = measure(lambda: (wh.import_items(items), wh.import_inventory(inventory),
                                       wh.import_orders(orders, lines)))
    finally:
        wh.close()
    if cfg.get("keep"):
        remove_db(Path(cfg["keep"]))
        engine_db.rename(cfg["keep"])
    remove_db(engine_db)
    return {"read_frames": as_dict(read), "bare": as_dict(bare_s), "engine": as_dict(engine_s),
            "orders": len(orders), "lines": len(lines), "skus": len(items),
            "peak_rss_mb": peak_rss_mb()}


def case_run(cfg: dict) -> dict:
    """The bare allocation window, then run_fulfillment over every order, on one fresh copy
    of the imported database. Compute is the time until the run reports "Writing"."""
    work = Path(cfg["work"])
    rep = copy_db(Path(cfg["imported"]), work / "run-rep.duckdb")
    order_nos = tpch.order_nos(Path(cfg["folder"]))
    bare_s = bare_sample(rep, bare.BARE_ALLOCATION)
    reset_peak_rss()
    rss_before = rss_mb()  # the process, order numbers and what the bare query left
    wh = engine.open(str(rep))
    marks: list[tuple[str, float, float]] = []

    def progress(fraction: float, message: str) -> None:
        marks.append((message, time.perf_counter(), time.process_time()))

    try:
        start = (time.perf_counter(), time.process_time())
        result, engine_s = measure(lambda: wh.run_fulfillment(order_nos, user="bench",
                                                              progress=progress))
        run_rss = peak_rss_mb()
        summary = {k: int(v) for k, v in result.summary.items()
                   if k in ("units_requested", "units_allocated", "backorders_created",
                            "orders_remaining")}
    finally:
        wh.close()
    writing = next((m for m in marks if m[0].startswith("Writing")), None)
    compute = ({"wall": writing[1] - start[0], "cpu": writing[2] - start[1]}
               if writing else None)
    phases = [{"phase": m[0], "wall": round(m[1] - start[0], 3), "cpu": round(m[2] - start[1], 3)}
              for m in marks]
    if cfg.get("keep"):
        remove_db(Path(cfg["keep"]))
        rep.rename(cfg["keep"])
    remove_db(rep)
    return {"bare": bare_s, "engine": as_dict(engine_s), "compute": compute, "phases": phases,
            "summary": summary, "run_peak_rss_mb": run_rss, "rss_before_run_mb": rss_before,
            "peak_rss_mb": peak_rss_mb()}


def extra_stock(wh: engine.Warehouse) -> pd.DataFrame:
    """Available stock for every SKU with backorders: a share of the units waiting."""
    waiting = wh.items(has_backorders=True)
    qty = (waiting["units_waiting"] * EXTRA_STOCK_SHARE).map(math.ceil).astype("int64")
    return pd.DataFrame({"sku": waiting["sku"], "status": "Available", "qty": qty})


def case_releasable(cfg: dict) -> dict:
    """Build the post-run database with many backorders releasable: extra stock imported
    (an import releases nothing). Saves the open backorders in rank order, for the
    release case to pick from."""
    work = Path(cfg["work"])
    target = Path(cfg["releasable"])
    copy_db(Path(cfg["post_run"]), target)
    wh = engine.open(str(target))
    try:
        frame = extra_stock(wh)
        _, imported = measure(wh.import_inventory, frame, user="bench")
        waiting, first = measure(wh.releasable_now, include_blocked=True)
        waiting[["order_no", "releasable"]].to_parquet(work / "backorders.parquet")
    finally:
        wh.close()
    return {"import_extra_stock": as_dict(imported), "skus_restocked": len(frame),
            "units_added": int(frame["qty"].sum()),
            "releasable_now_first_call": as_dict(first),
            "open_backorders": len(waiting), "releasable": int(waiting["releasable"].sum()),
            "peak_rss_mb": peak_rss_mb()}


def backorders(work: Path) -> pd.DataFrame:
    return pd.read_parquet(work / "backorders.parquet")


def case_screens(cfg: dict) -> dict:
    """releasable_now first and second call, then every screen's reads, on a fresh copy of
    the releasable database (a fresh process: nothing remembered yet)."""
    work = Path(cfg["work"])
    rep = copy_db(Path(cfg["releasable"]), work / "screens-rep.duckdb")
    ranked = backorders(work)
    releasable = ranked.loc[ranked["releasable"], "order_no"].tolist()
    bare_needs = bare_sample(rep, bare.BARE_RELEASABLE, "fetchnumpy")
    bare_page = bare_sample(rep, bare.BARE_PAGE, "df")
    wh = engine.open(str(rep))
    out: dict = {"bare_releasable": bare_needs, "bare_page": bare_page, "reads": {}}
    try:
        found, first = measure(wh.releasable_now)  # the first read after opening
        out["releasable_first"] = as_dict(first)
        out["releasable_count"] = len(found)
        out["releasable_second"] = as_dict(measure(wh.releasable_now)[1])
        sku = str(wh.top_backorder_skus(limit=1)["sku"].iloc[0])
        for label, call in screens.reads(wh, releasable, sku):
            out["reads"][label] = as_dict(measure(call)[1])
    finally:
        wh.close()
    remove_db(rep)
    out["peak_rss_mb"] = peak_rss_mb()
    return out


def case_release(cfg: dict) -> dict:
    """review_release then release_backorders of the first N open backorders in rank order,
    for each N, each on a fresh copy of the releasable database."""
    work = Path(cfg["work"])
    ranked = backorders(work)["order_no"].tolist()
    out: dict = {}
    for size in cfg["sizes"]:
        chosen = ranked[:size]
        rep = copy_db(Path(cfg["releasable"]), work / "release-rep.duckdb")
        wh = engine.open(str(rep))
        try:
            _, review = measure(wh.review_release, chosen)
            result, release = measure(wh.release_backorders, chosen, user="bench")
        finally:
            wh.close()
        remove_db(rep)
        out[str(size)] = {"orders": len(chosen), "released": len(result.released),
                          "review": as_dict(review), "release": as_dict(release)}
    out["peak_rss_mb"] = peak_rss_mb()
    return out


def case_receipt(cfg: dict) -> dict:
    """Receipts, each on a fresh copy: what the SKU with the most units waiting lacks (it
    auto-releases every backorder of that SKU), and one unit of a SKU nobody waits for
    (the fixed cost of a receipt)."""
    work = Path(cfg["work"])
    out: dict = {}
    for label in ("releases a SKU's backorders", "nobody waits for the SKU"):
        rep = copy_db(Path(cfg["releasable"]), work / "receipt-rep.duckdb")
        wh = engine.open(str(rep))
        try:
            if label.startswith("releases"):
                top = wh.top_backorder_skus(limit=1).iloc[0]
                sku, qty = str(top["sku"]), int(top["units_waiting"])
            else:
                some = wh.items(limit=1000)
                sku, qty = str(some.loc[some["units_waiting"] == 0, "sku"].iloc[0]), 1
            result, sample = measure(wh.receive, sku, qty, user="bench")
        finally:
            wh.close()
        remove_db(rep)
        out[label] = {"sku": sku, "qty": qty, "released": len(result.released),
                      "sample": as_dict(sample)}
    out["peak_rss_mb"] = peak_rss_mb()
    return out


def case_eta(cfg: dict) -> dict:
    """backorder_eta on a fresh copy of the post-run database (backorders wait for supply)
    and of the releasable one (extra stock covers many today), each with ~10 k expected
    receipt lines per SF 1 imported first (not timed): the bare ETA window, then the
    engine's first call after opening (nothing remembered) and its second."""
    work = Path(cfg["work"])
    out: dict = {}
    for label, source in (("post-run", cfg["post_run"]), ("releasable", cfg["releasable"])):
        rep = copy_db(Path(source), work / "eta-rep.duckdb")
        receipts = tpch.expected_receipts(rep, cfg["scale"])
        wh = engine.open(str(rep))
        try:
            wh.import_expected_receipts(receipts, user="bench")
        finally:
            wh.close()
        bare_s = bare_sample(rep, bare.BARE_ETA, "df")
        wh = engine.open(str(rep))
        try:
            found, first = measure(wh.backorder_eta)
            second = measure(wh.backorder_eta)[1]
        finally:
            wh.close()
        remove_db(rep)
        out[label] = {"receipt_lines": len(receipts),
                      "receipt_skus": int(receipts["sku"].nunique()),
                      "open_backorders": len(found),
                      "with_eta": int(found["eta"].notna().sum()),
                      "free_stock": int((found["covered_by"] == "free stock").sum()),
                      "bare": bare_s, "first": as_dict(first), "second": as_dict(second)}
    out["peak_rss_mb"] = peak_rss_mb()
    return out


SIMULATE_ALERTS = 1_000  # what a screen shows of a simulation's alerts: its first page


def _timed_run(wh: engine.Warehouse, order_nos: pd.Series) -> tuple[dict, dict, dict]:
    """run_fulfillment, its whole time and its compute (until it reports "Writing")."""
    marks: list[tuple[str, float, float]] = []

    def progress(fraction: float, message: str) -> None:
        marks.append((message, time.perf_counter(), time.process_time()))

    start = (time.perf_counter(), time.process_time())
    result, whole = measure(lambda: wh.run_fulfillment(order_nos, user="bench",
                                                       progress=progress))
    writing = next(m for m in marks if m[0].startswith("Writing"))
    return (result.summary, as_dict(whole),
            {"wall": writing[1] - start[0], "cpu": writing[2] - start[1]})


def case_simulate(cfg: dict) -> dict:
    """simulate_fulfillment over every order (the run case's orders), then run_fulfillment
    of the same orders, on one fresh copy of the imported database; each call from a
    Warehouse opened for it (no buffer pool warmed by the other), after the bare allocation
    window (which warms the file as in the run case) and an untimed simulation of ten orders
    (the process's first-call costs, which the run would otherwise be spared, are paid
    before either is timed). The simulation is compared with the
    run's compute: both plan the same allocation, the run then writes it. Simulations: the
    rank policy with the first page of alerts (what a screen asks for) and with every alert,
    and fair share with the first page."""
    work = Path(cfg["work"])
    rep = copy_db(Path(cfg["imported"]), work / "simulate-rep.duckdb")
    order_nos = tpch.order_nos(Path(cfg["folder"]))
    bare_s = bare_sample(rep, bare.BARE_ALLOCATION)
    out: dict = {"bare": bare_s, "simulations": {}}
    wh = engine.open(str(rep))
    try:  # untimed: the process's first-call costs (imports), which the run is spared
        wh.simulate_fulfillment(order_nos[:10])
    finally:
        wh.close()
    for label, kwargs in (("rank", {"alert_limit": SIMULATE_ALERTS}),
                          ("rank, every alert", {}),
                          ("fair_share", {"policy": "fair_share",
                                          "alert_limit": SIMULATE_ALERTS})):
        wh = engine.open(str(rep))
        try:
            found, sample = measure(wh.simulate_fulfillment, order_nos, user="bench",
                                    **kwargs)
        finally:
            wh.close()
        out["simulations"][label] = {"sample": as_dict(sample), "summary": found.summary,
                                     "alerts": len(found.alerts)}
    wh = engine.open(str(rep))
    try:
        summary, whole, compute = _timed_run(wh, order_nos)
    finally:
        wh.close()
    remove_db(rep)
    simulated = out["simulations"]["rank"]["summary"]
    skip = ("run_id", "at", "user")
    out["same_summary"] = bool(all(summary[k] == v for k, v in simulated.items()
                                   if k not in skip))
    out |= {"run": whole, "compute": compute,
            "summary": {k: int(simulated[k]) for k in ("units_requested", "units_allocated",
                                                       "backorders_created")},
            "fair_share_summary": {k: int(out["simulations"]["fair_share"]["summary"][k])
                                   for k in ("units_allocated", "backorders_created")},
            "peak_rss_mb": peak_rss_mb()}
    for sim in out["simulations"].values():
        del sim["summary"]
    return out


def case_profile(cfg: dict) -> dict:
    """One more run, releasable_now and the largest review + release, each on a fresh copy
    with every SQL statement timed: where the time goes (not part of the timings)."""
    from bench.profile import profile

    work = Path(cfg["work"])
    out: dict = {}
    rep = copy_db(Path(cfg["imported"]), work / "profile-rep.duckdb")
    order_nos = tpch.order_nos(Path(cfg["folder"]))
    wh = engine.open(str(rep))
    try:
        out["run_fulfillment"] = profile(lambda: wh.run_fulfillment(order_nos, user="bench"))
    finally:
        wh.close()
    rep = copy_db(Path(cfg["releasable"]), rep)
    ranked = backorders(work)["order_no"].tolist()[:max(cfg["sizes"])]
    wh = engine.open(str(rep))
    try:
        out["releasable_now"] = profile(wh.releasable_now)
        out["releasable_now(include_blocked=True)"] = profile(
            lambda: wh.releasable_now(include_blocked=True))
        out["Home (attention)"] = profile(wh.attention)
        few = ranked[:10]  # the fixed cost, before the large one changes the warehouse
        out["review_release of 10"] = profile(lambda: wh.review_release(few))
        out["release_backorders of 10"] = profile(lambda: wh.release_backorders(few, user="b"))
    finally:
        wh.close()
    rep = copy_db(Path(cfg["releasable"]), rep)
    wh = engine.open(str(rep))
    try:
        out[f"review_release of {len(ranked):,}"] = profile(lambda: wh.review_release(ranked))
        out[f"release_backorders of {len(ranked):,}"] = profile(
            lambda: wh.release_backorders(ranked, user="bench"))
    finally:
        wh.close()
    remove_db(rep)
    return out


CASES = {"import": case_import, "run": case_run, "releasable": case_releasable,
         "screens": case_screens, "release": case_release, "receipt": case_receipt,
         "eta": case_eta, "simulate": case_simulate, "profile": case_profile}


def main() -> None:
    case, cfg = sys.argv[1], json.loads(sys.argv[2])
    child_reply(CASES[case](cfg))


if __name__ == "__main__":
    main()
