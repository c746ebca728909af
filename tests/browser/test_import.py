"""Import in Chromium: items from Excel, stock from Parquet and orders from CSV uploaded
through the screen; a file with three bad rows gets the report, the fixed file imports,
and the orders are in the Orders grid."""

from __future__ import annotations

import io

import pandas as pd
import pytest

pytestmark = pytest.mark.browser

ORDERS_GRID = "Orders on this page"
# The files to import; the Snapshots section below has an uploader of its own.
IMPORT_UPLOADER = "[class*='st-key-import_files_'] [data-testid='stFileUploaderDropzoneInput']"
ITEMS = pd.DataFrame({"Item No": ["IMP-1", "IMP-2"], "Description": ["Import one", "Import two"],
                      "Backorder Allowed": [True, False], "Price": [2.5, 4.0]})
STOCK = pd.DataFrame({"sku": ["IMP-1", "IMP-2"], "status": ["Available", "Available"],
                      "qty": [10, 0]})
GOOD = ("orderNo,orderDate,priorityCode,Status,SKU,orderedQty\n"
        "880001,2026-11-01,1,On Order,IMP-1,3\n880001,2026-11-01,1,On Order,IMP-2,1\n"
        "880002,2026-11-02,2,On Order,IMP-1,2\n880003,2026-11-03,3,On Order,IMP-2,5\n")
BAD = (GOOD.replace("880002,2026-11-02,2", "880002,2026-11-02,9")
       .replace("IMP-2,5", "IMP-2,\"1,200\"")
       .replace("880001,2026-11-01,1,On Order,IMP-2", "880001,01/11/2026,1,On Order,IMP-2"))


def _xlsx(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False)
    return buffer.getvalue()


def _parquet(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.to_parquet(buffer)
    return buffer.getvalue()


def _file(name: str, data: bytes) -> dict:
    return {"name": name, "mimeType": "application/octet-stream", "buffer": data}


def test_three_formats_a_report_a_fix_and_the_orders_in_the_grid(app):
    app.open("Import", title="Import")
    uploader = app.page.locator(IMPORT_UPLOADER)
    uploader.set_input_files([_file("items.xlsx", _xlsx(ITEMS)),
                              _file("stock.parquet", _parquet(STOCK)),
                              _file("orders.csv", BAD.encode())])
    app.see("3 problems in 3 rows")
    report = app.page.locator("[data-testid='stDataFrameResizable']").last
    assert report.is_visible()
    app.snap("import_report")

    app.page.locator("[data-testid='stFileChip']", has_text="orders.csv").locator(
        "[data-testid='stFileChipDeleteBtn']").click()
    app.wait_idle()
    app.page.locator(IMPORT_UPLOADER).set_input_files(
        [_file("orders_fixed.csv", GOOD.encode())])
    app.see("Every row is valid. Ready to import 2 items, 1 stock row, 3 orders, "
            "4 order lines. 1 stock row of quantity 0 will be skipped.")
    app.button("Import").click()
    app.see("Imported 2 items, 1 stock row, 3 orders, 4 order lines.")
    app.assert_no_exception()

    app.nav("Orders", title="Orders")
    app.fill("SKU", "IMP-", scope=app.sidebar)
    app.see_exactly("3 matching orders · page 1 of 1")
    shown = sorted(row["Order"] for row in app.grid(ORDERS_GRID).rows(3))
    assert shown == ["880001", "880002", "880003"]
    app.snap("import_orders_in_grid")
    app.assert_no_exception()
