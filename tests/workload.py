"""A mixed workload of an analyst's writes over one small, busy warehouse: runs over
overlapping groups, releases, receipts, adjustments, status changes, shipments and
cancellations. Shared by the thread soak and the two-process test."""

from __future__ import annotations

import random

from conftest import build

import engine

SKUS = ["A", "B", "C", "D", "E", "F"]
ORDERS = 240
THREADS = 8
OPERATIONS_PER_THREAD = 30


def busy_warehouse(path: str) -> engine.Warehouse:
    wh = engine.open(path)
    rng = random.Random(7)
    build(wh, {s: s != "F" for s in SKUS},  # F may not backorder: its lines are shorted
          [(s, "Available", 60) for s in SKUS] + [(s, "Frozen", 20) for s in SKUS],
          [{"order_no": str(n), "priority": rng.randint(1, 5),
            "ship_complete": n % 7 == 0, "order_date": f"2026-10-{1 + n % 28:02d}"}
           for n in range(1, ORDERS + 1)],
          [(str(n), line, rng.choice(SKUS), rng.randint(1, 6))
           for n in range(1, ORDERS + 1) for line in range(1, 1 + n % 3 + 1)])
    return wh


def back_orders(wh: engine.Warehouse, rng: random.Random) -> list[str]:
    waiting = wh.order_nos(engine.OrderFilter(statuses=["Back Order"]))
    return rng.sample(waiting, min(len(waiting), rng.randint(1, 12)))


def operation(wh: engine.Warehouse, rng: random.Random, who: str) -> None:
    kind = rng.choice(["run", "run", "release", "release", "receive", "adjust", "status",
                       "ship", "cancel"])
    if kind == "run":  # overlapping groups: every thread reaches into the same range
        start = rng.randint(1, ORDERS - 40)
        wh.run_fulfillment([str(n) for n in range(start, start + 40)], user=who,
                           backorder_grouping=rng.choice(["per_line", "per_order"]))
    elif kind == "release":
        wh.release_backorders(back_orders(wh, rng), user=who)
    elif kind == "receive":
        wh.receive(rng.choice(SKUS), rng.randint(1, 15), user=who)
    elif kind == "adjust":
        wh.adjust(rng.choice(SKUS), rng.choice([-5, -2, 3, 6]), reason="count", user=who)
    elif kind == "status":
        sku = rng.choice(SKUS)
        if rng.random() < 0.5:
            wh.change_status(sku, rng.randint(1, 4), "Frozen", "Available", user=who)
        else:
            wh.change_status(sku, rng.randint(1, 4), "Available", "Frozen", user=who)
    elif kind == "ship":
        processed = wh.order_nos(engine.OrderFilter(statuses=["Processed"]), limit=30)
        wh.ship(rng.sample(processed, min(len(processed), 5)) or ["1"], user=who)
    else:
        wh.cancel([str(rng.randint(1, ORDERS))], reason="customer asked", user=who)
