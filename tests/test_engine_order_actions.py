"""review_ship and review_cancel say beforehand what ship and cancel then do, order by
order: the rule is written once (engine/order_actions.py), and reviewing writes nothing."""

from __future__ import annotations

from conftest import build


def test_reviews_agree_with_ship_and_cancel(wh):
    build(wh, {"A": True}, [("A", "Available", 10)],
          [{"order_no": "1"}, {"order_no": "2"}, {"order_no": "3"}],
          [("1", 1, "A", 2), ("2", 1, "A", 2), ("3", 1, "A", 2)])
    wh.run_fulfillment(["1", "2"])  # 1 and 2 Processed, 3 On Order
    asked = ["3", "1", "404"]
    audit_rows = wh.count_audit()

    ship = wh.review_ship(asked)
    assert ship["order_no"].tolist() == asked  # in the order asked
    assert ship["outcome"].tolist() == ["error", "ok", "error"]
    assert ship["status"].tolist()[:2] == ["On Order", "Processed"]
    assert wh.count_audit() == audit_rows  # a review writes nothing
    shipped = wh.ship(asked)
    assert shipped.shipped == ship.loc[ship["outcome"] == "ok", "order_no"].tolist()
    refused = dict(zip(shipped.not_shipped["order_no"], shipped.not_shipped["reason"],
                       strict=True))
    assert refused == dict(zip(ship.loc[ship["outcome"] == "error", "order_no"],
                               ship.loc[ship["outcome"] == "error", "reason"], strict=True))

    cancel = wh.review_cancel(["1", "2", "3"])
    assert cancel["outcome"].tolist() == ["error", "ok", "ok"]  # 1 is Shipped now
    assert cancel["reason"].iloc[0] == "Order is already Shipped"
    cancelled = wh.cancel(["1", "2", "3"], reason="test")
    assert cancelled.cancelled == ["2", "3"]
    assert cancelled.not_cancelled["reason"].tolist() == ["Order is already Shipped"]
