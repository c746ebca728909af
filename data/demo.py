"""The demo warehouse: a seeded catalogue, stock and six weeks of orders, played through the
engine day by day so that runs, backorders, receipts and releases form a real history.

The seed's scenario: order 140 wants 5 TR-GR while only 2 are Available and 3 sit Frozen.
It is left On Order, so an analyst can run it, see backorder 140.001, free the Frozen stock
and release it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pandas as pd

import engine

PRODUCTS = {
    "TR": "Trail runner", "HK": "Hiking boot", "RN": "Road runner", "SD": "Sandal",
    "JK": "Rain jacket", "FL": "Fleece", "BP": "Backpack", "TN": "Tent", "SB": "Sleeping bag",
    "HL": "Headlamp", "BT": "Bottle", "SK": "Hiking sock", "GL": "Glove", "CP": "Cap",
    "PL": "Trekking pole", "ST": "Stove", "MT": "Sleeping mat", "GT": "Gaiter", "SH": "Shell",
    "TS": "Tee", "SR": "Short", "PN": "Pant", "BN": "Beanie", "DB": "Dry bag", "CH": "Chair",
}
COLOURS = {
    "GR": "green", "BK": "black", "BL": "blue", "RD": "red", "WH": "white", "GY": "grey",
    "OR": "orange", "YL": "yellow", "NV": "navy", "OL": "olive", "PK": "pink", "TL": "teal",
}
CUSTOMERS = [
    "Northwind Outfitters", "Summit Supply", "Alpine Co-op", "Ridge & River", "Basecamp Goods",
    "Trailhead Sports", "Cascade Gear", "Peak Performance", "Wild Country", "Timberline Retail",
    "Harbor Outdoor", "Glacier Point", "Canyon Traders", "Evergreen Stores", "Foothill Sports",
    "Bluebird Mercantile", "High Desert Co", "Lakeside Outfitters", "Mesa Outdoor", "Pinecrest",
    "Redwood Supply", "Sierra Goods", "Tundra Trading", "Valley Sports", "Woodland Gear",
]
SEED_SKU = "TR-GR"
SEED_ORDER = "140"
# Key accounts give a ship-by date: ten days after the order (the seed order: five).
KEY_ACCOUNTS = CUSTOMERS[:6]
SHIP_BY_DAYS = 10
SEED_SHIP_BY_DAYS = 5
# The purchase order bringing TR-GR: due after the seed order's ship-by date, so 140.001
# has an ETA, a reason that names it, and is late.
SEED_RECEIPT = "PO-7701"
SEED_RECEIPT_DAYS = 8
DAYS = 42
ORDERS_PER_DAY = 60


def catalogue(rng: np.random.Generator) -> pd.DataFrame:
    codes = [(p, c) for p in PRODUCTS for c in COLOURS]
    skus = [f"{p}-{c}" for p, c in codes]
    return pd.DataFrame({
        "sku": skus,
        "description": [f"{PRODUCTS[p]}, {COLOURS[c]}" for p, c in codes],
        "backorder": rng.random(len(skus)) < 0.7,
        "unit_price": np.round(rng.uniform(5, 250, len(skus)), 2),
    }).assign(backorder=lambda d: d["backorder"] | (d["sku"] == SEED_SKU))


def demand_weights(rng: np.random.Generator, n: int) -> np.ndarray:
    """Skewed demand: a few SKUs take most of the orders (Zipf-like)."""
    weights = 1.0 / np.arange(1, n + 1) ** 1.1
    rng.shuffle(weights)
    return weights / weights.sum()


def opening_stock(rng: np.random.Generator, items: pd.DataFrame, weights: np.ndarray
                  ) -> pd.DataFrame:
    expected = weights * DAYS * ORDERS_PER_DAY * 3.5 * 3  # lines x mean qty over the period
    available = np.maximum(0, expected * rng.uniform(0.5, 1.2, len(items))).round()
    frames = [pd.DataFrame({"sku": items["sku"], "status": "Available", "qty": available})]
    frozen = rng.random(len(items)) < 0.2
    frames.append(pd.DataFrame({"sku": items["sku"][frozen], "status": "Frozen",
                                "qty": rng.integers(5, 60, frozen.sum())}))
    damaged = rng.random(len(items)) < 0.1
    frames.append(pd.DataFrame({"sku": items["sku"][damaged], "status": "Damaged",
                                "qty": rng.integers(1, 15, damaged.sum())}))
    stock = pd.concat(frames, ignore_index=True)
    stock = stock[(stock["qty"] > 0) & (stock["sku"] != SEED_SKU)]
    seed = pd.DataFrame({"sku": [SEED_SKU, SEED_SKU], "status": ["Available", "Frozen"],
                         "qty": [2, 3]})
    return pd.concat([stock, seed], ignore_index=True).astype({"qty": "int64"})


def order_book(rng: np.random.Generator, items: pd.DataFrame, weights: np.ndarray,
               start: datetime) -> tuple[pd.DataFrame, pd.DataFrame]:
    n = DAYS * ORDERS_PER_DAY
    days = np.sort(rng.integers(0, DAYS, n))
    orders = pd.DataFrame({
        "order_no": (1001 + np.arange(n)).astype(str),
        "order_date": [(start + timedelta(days=int(d))).date() for d in days],
        "priority": rng.choice([1, 2, 3, 4, 5], n, p=[0.08, 0.17, 0.35, 0.25, 0.15]),
        "status": "On Order",
        "ship_complete": rng.random(n) < 0.1,
        "customer": rng.choice(CUSTOMERS, n),
    })
    orders["ship_by"] = [d + timedelta(days=SHIP_BY_DAYS) if c in KEY_ACCOUNTS else None
                         for d, c in zip(orders["order_date"], orders["customer"], strict=True)]
    line_counts = rng.integers(1, 7, n)
    order_idx = np.repeat(np.arange(n), line_counts)
    line_no = np.concatenate([np.arange(1, k + 1) for k in line_counts])
    candidates = items["sku"].to_numpy()
    usable = candidates != SEED_SKU
    sku_weights = np.where(usable, weights, 0)
    lines = pd.DataFrame({
        "order_no": orders["order_no"].to_numpy()[order_idx],
        "line_no": line_no,
        "sku": rng.choice(candidates, len(order_idx), p=sku_weights / sku_weights.sum()),
        "ordered_qty": rng.geometric(0.35, len(order_idx)),
    })
    lines = lines.drop_duplicates(["order_no", "sku"])
    lines["line_no"] = lines.groupby("order_no").cumcount() + 1
    return orders, lines


def seed_order(today: datetime, stocked_sku: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    orders = pd.DataFrame({"order_no": [SEED_ORDER], "order_date": [today.date()],
                           "priority": [2], "status": ["On Order"], "ship_complete": [False],
                           "customer": ["Northwind Outfitters"],
                           "ship_by": [(today + timedelta(days=SEED_SHIP_BY_DAYS)).date()]})
    lines = pd.DataFrame({"order_no": [SEED_ORDER] * 2, "line_no": [1, 2],
                          "sku": [SEED_SKU, stocked_sku], "ordered_qty": [5, 1]})
    return orders, lines


def load(wh, seed: int = 0) -> None:
    """Play the demo history into an empty warehouse, then leave today's orders On Order."""
    rng = np.random.default_rng(seed)
    real_clock = wh.clock
    today = real_clock().replace(hour=0, minute=0, second=0, microsecond=0)
    start = today - timedelta(days=DAYS)
    items = catalogue(rng)
    weights = demand_weights(rng, len(items))
    stock = opening_stock(rng, items, weights)
    orders, lines = order_book(rng, items, weights, start)
    stocked = stock.loc[stock["status"] == "Available"].sort_values("qty")["sku"].iloc[-1]
    analyst = "demo"
    try:
        wh.clock = lambda: start - timedelta(hours=2)
        wh.import_items(items, user=analyst)
        wh.import_inventory(stock, user=analyst)
        dates = pd.to_datetime(orders["order_date"])
        for day in range(0, DAYS, 2):
            when = start + timedelta(days=day)
            wh.clock = lambda when=when: when + timedelta(hours=8)
            batch = (dates >= when) & (dates < when + timedelta(days=2))
            batch_orders = orders[batch]
            wh.import_orders(batch_orders, lines[lines["order_no"].isin(batch_orders["order_no"])],
                             user=analyst)
            if day >= DAYS - 2:
                break  # the newest orders wait for the analyst
            wh.clock = lambda when=when: when + timedelta(hours=14)
            wh.run_fulfillment(batch_orders["order_no"], user=analyst,
                               backorder_grouping="per_order" if day % 6 == 0 else "per_line")
            wh.clock = lambda when=when: when + timedelta(hours=16)
            _ship_processed(wh, analyst)
            if day % 4 == 0:
                wh.clock = lambda when=when: when + timedelta(days=1, hours=10)
                _receive_for_waiting(wh, rng, analyst, count=8)
        wh.clock = lambda: today - timedelta(hours=6)
        _free_frozen_stock(wh, analyst)
        wh.clock = lambda: today - timedelta(hours=5)
        extra_orders, extra_lines = seed_order(today, stocked)
        wh.import_orders(extra_orders, extra_lines, user=analyst)
        wh.clock = lambda: today - timedelta(hours=4)
        wh.import_expected_receipts(expected_receipts(wh, today), user=analyst)
    finally:
        wh.clock = real_clock


def expected_receipts(wh, today: datetime) -> pd.DataFrame:
    """Inbound supply that shows every case of the ETA: receipts due soon that cover what
    waits, overdue ones, ones that never bring enough, a transfer of two SKUs, and
    backorders with no supply at all (the SKUs no receipt brings)."""
    waiting = wh.top_backorder_skus(limit=16)
    skus = waiting.loc[waiting["sku"] != SEED_SKU, ["sku", "units_waiting"]]
    rows = [(SEED_RECEIPT, 1, SEED_SKU, 6, SEED_RECEIPT_DAYS)]
    for k, (sku, units) in enumerate(zip(skus["sku"], skus["units_waiting"], strict=True)):
        units = int(units)
        if k < 4:    # due soon, covers everything waiting
            rows.append((f"PO-{7710 + k}", 1, sku, units, 2 + k))
        elif k < 7:  # overdue: expected any moment
            rows.append((f"PO-{7710 + k}", 1, sku, max(units // 2, 1), k - 8))
        elif k < 10:  # never enough: a third of what waits, in two weeks or more
            rows.append((f"PO-{7710 + k}", 1, sku, max(units // 3, 1), 7 + 3 * k))
        elif k < 12:  # one transfer of two SKUs
            rows.append(("TR-0093", k - 9, sku, units, 12))
    return pd.DataFrame(
        [{"ref": ref, "line_no": line, "sku": sku, "qty": qty,
          "due_date": (today + timedelta(days=days)).date()}
         for ref, line, sku, qty, days in rows])


def _ship_processed(wh, user: str) -> None:
    from engine import OrderFilter

    processed = wh.orders(OrderFilter(statuses=["Processed"]))["order_no"]
    if len(processed):
        wh.ship(processed, user=user)


def _receive_for_waiting(wh, rng: np.random.Generator, user: str, count: int) -> None:
    """A supplier delivery for some of the most wanted SKUs: receipts auto-release."""
    top = wh.top_backorder_skus(limit=12)
    top = top[top["sku"] != SEED_SKU]
    if top.empty:
        return
    chosen = top.sample(min(count, len(top)), random_state=int(rng.integers(1 << 31)))
    for sku, waiting in zip(chosen["sku"], chosen["units_waiting"], strict=True):
        wh.receive(sku, int(max(1, waiting * rng.uniform(0.5, 1.4))), user=user,
                   reason="supplier delivery")


def _free_frozen_stock(wh, user: str) -> None:
    """A cycle count ends: Frozen stock goes back to Available. Nothing is released by it,
    so its backorders are releasable now and wait for a person."""
    waiting = wh.top_backorder_skus(limit=60)
    candidates = waiting[(waiting["frozen"] > 0) & (waiting["sku"] != "TR-GR")].head(3)
    for sku, frozen in zip(candidates["sku"], candidates["frozen"], strict=True):
        wh.change_status(sku, int(frozen), "Frozen", "Available", user=user,
                         reason="cycle count finished")


engine.register_demo(lambda wh, seed: load(wh, seed=seed))
