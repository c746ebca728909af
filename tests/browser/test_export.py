"""Downloads in Chromium: the Orders screen's download gives every order matching the
filter (not only the 25 on screen), in the format chosen, in the grid's order."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from engine import OrderFilter

pytestmark = pytest.mark.browser


def download(app, button: str, target):
    with app.page.expect_download() as info:
        app.page.get_by_role("button", name=button, exact=True).click()  # in the popover
    info.value.save_as(str(target))
    return info.value


def test_an_orders_download_holds_the_whole_filtered_grid(shared_app, oracle, tmp_path):
    app = shared_app
    f = OrderFilter(statuses=["Shipped"])
    total = oracle.count_orders(f)
    assert total > 25, "the filter must match more than one page"
    expected = oracle.orders(f, sort="-units")["order_no"].tolist()

    app.open("Orders", title="Orders")
    app.choose("Status", "Shipped", scope=app.sidebar)
    app.see_exactly(f"{total:,} matching orders · page 1 of {-(-total // 25)}")
    app.choose("Sort by", "Units")
    app.choose("Direction", "High to low")
    app.main.get_by_role("button", name=f"Download all {total:,} matching").click()

    csv = download(app, "Orders (CSV)", tmp_path / "orders.csv")
    assert csv.suggested_filename == "orders.csv"
    rows = pd.read_csv(tmp_path / "orders.csv", dtype={"order_no": str})
    assert len(rows) == total
    assert rows["order_no"].tolist() == expected

    app.page.get_by_text("Parquet", exact=True).first.click()  # the orders' format
    app.see(app.page.get_by_role("button", name="Orders (Parquet)"))
    parquet = download(app, "Orders (Parquet)", tmp_path / "orders.parquet")
    assert parquet.suggested_filename == "orders.parquet"
    back = duckdb.execute(f"SELECT order_no FROM '{tmp_path / 'orders.parquet'}'").df()
    assert back["order_no"].tolist() == expected
