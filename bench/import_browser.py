"""Time a clean 1 M-line import through the Import screen in Chromium (issue 8), not in CI.

    make bench-import            # LINES=1000000 by default

Writes 1,000 items and a flat orders file (one row per line, four lines an order, WMS-style
headers) as CSV, starts the dashboard on an empty database, uploads both files with
Playwright, and reports the time until the check says every row is valid, and until the
import is done. The result goes to bench/results/import_browser.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "browser")]

from conftest import CHROMIUM, CHROMIUM_ARGS, VIEWPORT, App, start_server  # noqa: E402

import engine  # noqa: E402

ITEMS = 1_000
UPLOADER = "[class*='st-key-import_files_'] [data-testid='stFileUploaderDropzoneInput']"


def write_files(folder: Path, lines: int) -> tuple[Path, Path]:
    items, flat = folder / "items.csv", folder / "orders_flat.csv"
    con = duckdb.connect()
    con.execute(f"""COPY (SELECT 'SKU-' || range AS "Item No", 'Item ' || range AS Description,
                         range % 5 <> 0 AS "Backorder Allowed", 1.5 + range % 50 AS Price
                         FROM range({ITEMS})) TO '{items}' (HEADER)""")
    con.execute(f"""COPY (SELECT 100000 + range // 4 AS orderNo,
                         DATE '2026-10-01' + CAST(range // 4 % 50 AS INTEGER) AS orderDate,
                         1 + range // 4 % 5 AS priorityCode, 'On Order' AS Status,
                         range % 4 + 1 AS lineNo, 'SKU-' || (range * 7919 % {ITEMS}) AS SKU,
                         1 + range % 9 AS orderedQty
                         FROM range({lines})) TO '{flat}' (HEADER)""")
    return items, flat


def measure(lines: int) -> dict:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="bench-import-") as folder:
        work = Path(folder)
        items, flat = write_files(work, lines)
        csv_mb = round(flat.stat().st_size / 1e6, 1)
        db = work / "empty.duckdb"
        engine.open(str(db)).close()
        server = start_server(db, work / "server.log")
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                context = browser.new_context(viewport=VIEWPORT)
                context.set_default_timeout(900_000)
                app = App(context.new_page(), server)
                app.open("Import", title="Import")
                started = time.perf_counter()
                app.page.locator(UPLOADER).set_input_files([str(items), str(flat)])
                app.main.get_by_text("Every row is valid").first.wait_for()
                app.wait_idle()
                checked = time.perf_counter()
                app.button("Import").click()
                app.main.get_by_text(f"Imported {ITEMS:,} items").first.wait_for()
                app.wait_idle()
                done = time.perf_counter()
                browser.close()
        finally:
            server.stop()
        wh = engine.open(str(db), read_only=True)
        orders = wh.count_orders()
        wh.close()
    return {"at": datetime.now().isoformat(timespec="minutes"), "lines": lines,
            "orders": orders, "csv_mb": csv_mb,
            "upload_read_check_s": round(checked - started, 1),
            "import_s": round(done - checked, 1), "total_s": round(done - started, 1)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=1_000_000)
    result = measure(parser.parse_args().lines)
    out = ROOT / "bench" / "results" / "import_browser.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
