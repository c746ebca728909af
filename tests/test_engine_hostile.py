"""Hostile input gets a clean refusal (DESIGN section 8; issue 9).

A refusal is an `engine.BackorderError` raised on purpose by a check: it names the argument,
or the row and column, and the value. It is not the guard's last-resort wrapping of a raw
DuckDB, pandas or Python error, and it writes nothing: audit log, orders, items, inventory,
ledger and runs read the same before and after. What is accepted is stored as given and
reads back identical.
"""

from __future__ import annotations

import math
import numbers
import re
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from functools import partial

import numpy as np
import pandas as pd
import pytest
from conftest import build, order
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import engine
from engine import ids
from engine.inputs import MAX_MOVEMENT, MAX_ON_HAND
from engine.orderno import ORDER_NO_PATTERN

SPARE = [str(n) for n in range(900, 912)]  # On Order, one A each: one per write of a kind
SPARE_BACKORDERS = [f"800.{k:03d}" for k in range(1, 13)]  # Back Order, one A each

# Properties share one warehouse across examples; each example is judged against the state
# just before it, so what earlier examples wrote does not matter.
PER_EXAMPLE = settings(max_examples=50, deadline=None, suppress_health_check=[
    HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def stocked(wh: engine.Warehouse) -> engine.Warehouse:
    """TR-BK may backorder, A may not. 140 and 141 are On Order and 140.001 waits in Back
    Order for one TR-BK; the spare orders and backorders take one A each. Nothing has run."""
    orders = [{"order_no": "140"}, {"order_no": "141", "priority": 2},
              {"order_no": "140.001", "parent_order_no": "140", "status": "Back Order"},
              *({"order_no": n} for n in SPARE),
              *({"order_no": n, "parent_order_no": "800", "status": "Back Order"}
                for n in SPARE_BACKORDERS)]
    lines = [("140", 1, "TR-BK", 2), ("141", 1, "A", 1), ("140.001", 1, "TR-BK", 1),
             *((n, 1, "A", 1) for n in SPARE + SPARE_BACKORDERS)]
    build(wh, {"TR-BK": True, "A": False},
          [("TR-BK", "Available", 5), ("A", "Available", 40), ("A", "Frozen", 2)], orders, lines)
    return wh


READ_MODELS = {
    "audit_log": lambda wh: wh.audit_log(),
    "orders": lambda wh: wh.orders(sort="order_no"),
    "items": lambda wh: wh.items(),
    "inventory": lambda wh: wh.inventory(),
    "ledger": lambda wh: wh.ledger(limit=1_000_000),
    "runs": lambda wh: wh.runs(),
}


def snapshot(wh: engine.Warehouse, *parts: str) -> dict[str, pd.DataFrame]:
    """The read models (all, or the `parts` a write could touch), to compare later."""
    return {name: READ_MODELS[name](wh) for name in parts or READ_MODELS}


def assert_unchanged(wh: engine.Warehouse, before: dict[str, pd.DataFrame]) -> None:
    after = snapshot(wh, *before)
    for name, frame in before.items():
        pd.testing.assert_frame_equal(after[name], frame, obj=name)


@contextmanager
def writes_nothing(wh: engine.Warehouse, *parts: str):
    """Around a run of refusals: a write by any of them stays, so one look after suffices."""
    before = snapshot(wh, *parts)
    yield
    assert_unchanged(wh, before)


def deliberate(error: BaseException) -> None:
    """Raised by a check, not the guard wrapping a raw error (that one is `from exc`)."""
    assert isinstance(error, engine.BackorderError), repr(error)
    assert error.__cause__ is None, f"a raw {type(error.__cause__).__name__} behind: {error}"


def refusal(call, *words: str, column: str | None = None,
            row: int | None = None) -> engine.BackorderError:
    """`call` is refused on purpose and the message holds `words` (and `column`, `row`)."""
    with pytest.raises(engine.BackorderError) as caught:
        call()
    error = caught.value
    deliberate(error)
    for word in words:
        assert word in str(error), f"{word!r} not in: {str(error)[:300]}"
    if column is not None:
        assert isinstance(error, engine.ValidationError), repr(error)
        assert error.column == column, f"column {error.column!r}, not {column!r}: {error}"
    if row is not None:
        assert error.row == row, f"row {error.row}, not {row}: {error}"
    return error


def refused(wh: engine.Warehouse, call, *words: str, column: str | None = None,
            row: int | None = None) -> engine.BackorderError:
    """A refusal, and nothing is written."""
    with writes_nothing(wh):
        return refusal(call, *words, column=column, row=row)


def on_hand(wh: engine.Warehouse, sku: str, status: str = "Available") -> int:
    stock = wh.inventory()
    return int(stock.loc[(stock["sku"] == sku) & (stock["status"] == status), "qty"].sum())


def texts(*values: object) -> pd.Series:
    """As objects: pandas' own string type cannot even hold some of the hostile texts."""
    return pd.Series(list(values), dtype=object)


def one_order(order_no: object, **columns: object) -> pd.DataFrame:
    return pd.DataFrame({"order_no": pd.Series([order_no], dtype=object),
                         "order_date": ["2026-11-01"], "priority": [3],
                         "status": ["On Order"],
                         **{k: pd.Series([v], dtype=object) for k, v in columns.items()}})


def one_line(order_no: object, sku: object = "A") -> pd.DataFrame:
    return pd.DataFrame({"order_no": pd.Series([order_no], dtype=object), "line_no": [1],
                         "sku": pd.Series([sku], dtype=object), "ordered_qty": [1]})


def import_cells(wh: engine.Warehouse, frame: str, column: str, cells: pd.Series):
    """Import two rows of `frame` whose `column` holds `cells`; row 2 is the one on trial."""
    if frame == "items":
        return wh.import_items(pd.DataFrame(
            {"sku": ["N1", "N2"], "backorder": [True, False]}).assign(**{column: cells}))
    if frame == "inventory":
        return wh.import_inventory(pd.DataFrame(
            {"sku": ["TR-BK", "A"], "status": ["Frozen", "Damaged"], "qty": [1, 1]}
        ).assign(**{column: cells}))
    orders = pd.DataFrame({"order_no": ["7", "8"], "order_date": ["2026-11-01"] * 2,
                           "priority": [1, 2], "status": ["On Order"] * 2})
    lines = pd.DataFrame({"order_no": ["7", "8"], "line_no": [1, 1], "sku": ["A", "A"],
                          "ordered_qty": [1, 1]})
    if frame == "orders":
        return wh.import_orders(orders.assign(**{column: cells}), lines)
    return wh.import_orders(orders, lines.assign(**{column: cells}))


def as_whole(value: object) -> int | None:
    """Section 8 restated: a real number, not a bool, that is exactly whole."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        return None
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, (float, np.floating)) and not math.isfinite(value):
        return None
    return int(value) if value == math.floor(value) else None


def cell_whole(cell: object) -> int | None:
    """What an import cell means as a whole number: text is read as a decimal, as written."""
    if isinstance(cell, str):
        try:
            cell = Decimal(cell.strip())
        except InvalidOperation:
            return None
    if isinstance(cell, Decimal):
        if not cell.is_finite() or cell != cell.to_integral_value():
            return None
        return int(cell) if cell.adjusted() < 30 else 10**30  # past every bound anyway
    return as_whole(cell)


# Anything a caller might pass where a number or a flag belongs.
ANYTHING = st.one_of(
    st.integers(-2 * MAX_MOVEMENT, 2 * MAX_MOVEMENT), st.integers(),
    st.floats(), st.floats(-2e9, 2e9).map(round).map(float),
    st.text(max_size=12), st.booleans(), st.none(), st.decimals(), st.fractions(),
    st.integers(-2**63, 2**63 - 1).map(np.int64), st.floats().map(np.float64),
    st.booleans().map(np.bool_),
    st.just(Fraction(10**400 + 1, 10**400)),  # float() would round it to 1
)


# -- issue 9 (3): oversized quantities ------------------------------------------------------

OVERSIZED = [  # (write, the argument or column it must name)
    (lambda wh: wh.receive("TR-BK", 2**62), "qty"),
    (lambda wh: wh.receive("TR-BK", MAX_MOVEMENT + 1), "qty"),
    (lambda wh: wh.adjust("TR-BK", 2**62), "delta"),
    (lambda wh: wh.adjust("TR-BK", -2**62), "delta"),
    (lambda wh: wh.change_status("TR-BK", 2**62, "Available", "Frozen"), "qty"),
    (lambda wh: import_cells(wh, "inventory", "qty", pd.Series([1, 2**62])), "qty"),
    (lambda wh: import_cells(wh, "lines", "ordered_qty", pd.Series([1, 2**62])),
     "ordered_qty"),
]


def test_oversized_quantities_are_refused_and_reads_keep_working(wh):
    """Two receipts of 2**62 were accepted; then items(), inventory() and adjust() raised
    ConversionException."""
    stocked(wh)
    with writes_nothing(wh):
        for _ in range(2):
            for write, column in OVERSIZED:
                refusal(partial(write, wh), "1,000,000,000", column=column)
    assert wh.items().set_index("sku").loc["TR-BK", "available"] == 5
    wh.adjust("TR-BK", 1)
    assert on_hand(wh, "TR-BK") == 6


def _book_history(wh: engine.Warehouse, sku: str, status: str, receipts: int) -> None:
    """`receipts` past receipts of 10**9 units, booked in one statement: through the public
    calls, coming near the cap takes a thousand transactions."""
    with wh.db.write() as cur:
        ids.insert_numbered(cur, "ledger", "inventory_ledger", """
            SELECT TIMESTAMP '2026-10-01', 'history', 'receipt', ?, ?, ?, NULL::BIGINT,
                   'booked by the test'
            FROM range(?)""", [sku, status, MAX_MOVEMENT, receipts])


def test_a_skus_on_hand_stays_within_ten_to_the_twelfth(wh):
    stocked(wh)
    _book_history(wh, "TR-BK", "Available", 999)  # 999 * 10**9 + 5: room for 10**9 - 5
    _book_history(wh, "TR-BK", "Frozen", 1000)  # exactly at the cap
    room = MAX_ON_HAND - on_hand(wh, "TR-BK")
    assert room == MAX_MOVEMENT - 5
    past = "1,000,000,000,001"
    refused(wh, lambda: wh.receive("TR-BK", room + 1), past)
    refused(wh, lambda: wh.adjust("TR-BK", room + 1), past)
    refused(wh, lambda: wh.change_status("TR-BK", 1, "Available", "Frozen"), past)
    refused(wh, lambda: wh.import_inventory(pd.DataFrame(
        {"sku": ["TR-BK"], "status": ["Frozen"], "qty": [1]})), "past 1,000,000,000,000",
        column="qty", row=1)
    wh.receive("TR-BK", room)  # up to the cap exactly (and 140.001 is released)
    assert on_hand(wh, "TR-BK") == MAX_ON_HAND
    refused(wh, lambda: wh.receive("TR-BK", 1), past)
    assert wh.items().set_index("sku").loc["TR-BK", "frozen"] == MAX_ON_HAND
    wh.adjust("TR-BK", -1)
    assert on_hand(wh, "TR-BK") == MAX_ON_HAND - 1


# -- issue 9 (4): bad input raised raw errors ---------------------------------------------

HUGE = {  # each gave a TransactionException that hid the cause
    "int64": [2**63 - 1],
    "uint64": [2**63],
    "float64": [2.0**63, 1e30, math.inf, -math.inf],
    "object": [2**63, 10**30, 1e30, math.inf, "inf", "-Infinity", "1e30", "9" * 20,
               "-9223372036854775809", Decimal("Infinity")],
}
WHOLE_COLUMNS = [("orders", "priority"), ("lines", "line_no"), ("lines", "ordered_qty"),
                 ("lines", "allocated_qty"), ("inventory", "qty"), ("inventory", "reserved")]


def test_huge_and_infinite_numbers_in_an_import_are_refused_by_row_and_column(wh):
    stocked(wh)
    with writes_nothing(wh):
        for frame, column in WHOLE_COLUMNS:
            first = 0 if column in ("allocated_qty", "reserved") else 1
            for dtype, values in HUGE.items():
                for value in values:
                    cells = pd.Series([first, value], dtype=dtype)
                    error = refusal(partial(import_cells, wh, frame, column, cells),
                                    f"{frame} row 2, column '{column}'", column=column, row=2)
                    assert error.value is not None, (frame, column, dtype, value)


def test_a_price_is_a_finite_number_not_below_zero(wh):
    stocked(wh)
    bad = [math.inf, -math.inf, "inf", "NaN", "-1", -0.5, Decimal("Infinity"), True, "free",
           [1.0], Decimal("sNaN")]  # pandas itself raised on the signalling NaN
    with writes_nothing(wh):
        for value in bad:
            refusal(partial(import_cells, wh, "items", "unit_price",
                            pd.Series([1.0, value], dtype=object)),
                    "unit_price", column="unit_price", row=2)
        for dtype in ("float64", "Float64"):
            refusal(partial(import_cells, wh, "items", "unit_price",
                            pd.Series([1.0, math.inf], dtype=dtype)),
                    "unit_price", column="unit_price", row=2)
    # A NaN in a float column is pandas' empty cell: the price is left out, not NaN.
    wh.import_items(pd.DataFrame({"sku": ["P1", "P2", "P3"], "backorder": [True] * 3,
                                  "unit_price": [1e30, 0.0, math.nan]}))
    prices = wh.items().set_index("sku")["unit_price"]
    assert prices["P1"] == 1e30 and prices["P2"] == 0.0 and pd.isna(prices["P3"])


def import_order_number(wh: engine.Warehouse, column: str, number: object):
    """Import one order whose `column` (order_no or parent_order_no) is `number`."""
    own = number if column == "order_no" else "7"
    extra = {column: number} if column != "order_no" else {}
    return wh.import_orders(one_order(own, **extra), one_line(own))


def test_a_twenty_digit_order_number_is_refused_by_name(wh):
    """It raised ConstraintException."""
    stocked(wh)
    with writes_nothing(wh):
        for column in ("order_no", "parent_order_no"):
            for value in ("12345678901234567890", 12345678901234567890, "9" * 13):
                refusal(partial(import_order_number, wh, column, value),
                        "is not an order number like 140 or 140.001", column=column, row=1)


NOT_WHOLE = [math.nan, math.inf, -math.inf, np.float64("nan"), np.float32("inf"), 2.5, "3",
             None, [3], True, np.True_, complex(3, 0), Decimal("3"), Decimal("NaN"),
             Fraction(7, 2), Fraction(10**400 + 1, 10**400)]
MOVEMENTS = {
    "receive": (lambda wh, q: wh.receive("TR-BK", q), "qty"),
    "adjust": (lambda wh, q: wh.adjust("TR-BK", q), "delta"),
    "change_status": (lambda wh, q: wh.change_status("TR-BK", q, "Available", "Frozen"), "qty"),
}


def test_nan_infinity_fractions_bools_and_text_are_not_quantities(wh):
    """NaN and infinity raised ValueError or OverflowError; True was received as 1."""
    stocked(wh)
    with writes_nothing(wh):
        for write, column in MOVEMENTS.values():
            for value in NOT_WHOLE:
                refusal(partial(write, wh, value), f"{column} must be a whole number",
                        column=column)


ORDER_LISTS = {
    "ship": lambda wh, v: wh.ship(v),
    "cancel": lambda wh, v: wh.cancel(v),
    "run_fulfillment": lambda wh, v: wh.run_fulfillment(v),
    "release_backorders": lambda wh, v: wh.release_backorders(v),
    "review_release": lambda wh, v: wh.review_release(v),
}
NOT_LISTS = [None, 1.5, math.nan, True, {"140": 1}, b"140", Decimal("140")]
NOT_ITEMS = [([None], 1), ([1.5], 1), ([math.nan], 1), ([True], 1), (["140", None], 2),
             (["140", b"141"], 2), ([["140"]], 1), (["140", 141.0], 2)]


def test_a_list_that_is_not_one_is_refused_by_name(wh):
    """An order_nos or skus list that was None or a float raised TypeError."""
    stocked(wh)
    with writes_nothing(wh):
        for call in ORDER_LISTS.values():
            for value in NOT_LISTS:
                refusal(partial(call, wh, value), "order_nos must be a list",
                        column="order_nos")
            for value, position in NOT_ITEMS:
                refusal(partial(call, wh, value), f"order_nos item {position}",
                        column="order_nos", row=position)
        for value in NOT_LISTS:
            refusal(partial(wh.set_backorder, value, False), "skus must be a list",
                    column="skus")
        for value, position in [*NOT_ITEMS, ([12], 1)]:
            refusal(partial(wh.set_backorder, value, False), f"skus item {position}",
                    column="skus", row=position)


def test_unusable_frames_are_refused_by_name(wh):
    stocked(wh)
    twice = pd.DataFrame([["X", True, False]], columns=["sku", "backorder", "backorder"])
    refused(wh, lambda: wh.import_items(twice), "appears twice among the columns",
            column="backorder")
    refused(wh, lambda: wh.import_items({"sku": ["X"], "backorder": [True]}),
            "expected a DataFrame")
    refused(wh, lambda: wh.import_orders(one_order("7"), None), "expected a DataFrame")
    refused(wh, lambda: wh.import_inventory(pd.DataFrame({"sku": ["A"], "qty": [1]})),
            "missing", column="status")


# -- issue 9 (5): silent coercions -------------------------------------------------------

def test_set_backorder_takes_true_or_false_and_nothing_else(wh):
    """"false" set True, and None set False."""
    stocked(wh)
    with writes_nothing(wh):
        for allowed in ("false", "true", None, 0, 1, "", math.nan, [False], Decimal(0)):
            refusal(partial(wh.set_backorder, ["TR-BK"], allowed),
                    "allowed must be True or False", column="allowed")
    assert wh.items().set_index("sku").loc["TR-BK", "backorder"]
    assert wh.set_backorder(["TR-BK"], np.False_) == 1  # numpy's bools are bools
    assert not wh.items().set_index("sku").loc["TR-BK", "backorder"]


def test_an_import_flag_is_a_bool_or_the_text_true_or_false(wh):
    """DuckDB alone reads yes, no, t, f, y, n, 1 and 0 as flags."""
    stocked(wh)
    flags = [("items", "backorder"), ("orders", "ship_complete")]
    with writes_nothing(wh):
        for frame, column in flags:
            for value in ("yes", "no", "t", "f", "y", "n", "1", "0", 1, 0, 2, 0.5, "on",
                          b"true"):
                refusal(partial(import_cells, wh, frame, column,
                                pd.Series([True, value], dtype=object)),
                        "is not true or false", column=column, row=2)
    for frame, column in flags:
        import_cells(wh, frame, column, pd.Series(["TRUE", " false "], dtype=object))
    backorder = wh.items().set_index("sku")["backorder"]
    assert backorder["N1"] and not backorder["N2"]
    assert order(wh, "7")["ship_complete"] and not order(wh, "8")["ship_complete"]


def test_whole_numbers_past_double_precision_are_refused_not_rounded(wh):
    """Integers above 2**53 lost precision on import; a written fraction that a DOUBLE
    cannot tell from a whole number was taken as one."""
    stocked(wh)
    with writes_nothing(wh):
        for cells in (pd.Series([1, 2**53 + 1]), pd.Series([1, 2**53 + 1], dtype=object),
                      pd.Series(["1", str(2**53 + 1)]), pd.Series([1.0, 2.0**53])):
            refusal(partial(import_cells, wh, "inventory", "qty", cells), "at most",
                    column="qty", row=2)
        for text in ("3.0000000000000001", "2.9999999999999999", "1000000000.0000001"):
            refusal(partial(import_cells, wh, "lines", "ordered_qty", pd.Series(["1", text])),
                    "is not a whole number", column="ordered_qty", row=2)
    import_cells(wh, "lines", "ordered_qty", pd.Series(["3.000", str(MAX_MOVEMENT)]))
    assert wh.order_lines("7")["ordered_qty"].tolist() == [3]
    assert wh.order_lines("8")["ordered_qty"].tolist() == [MAX_MOVEMENT]


TEXT_COLUMNS = [("items", "sku"), ("items", "description"), ("inventory", "status"),
                ("orders", "order_no"), ("orders", "customer"), ("orders", "ship_code"),
                ("lines", "sku")]


def test_a_text_column_takes_texts_and_whole_numbers_only(wh):
    """A float, a bool, bytes or a list were stored as whatever str() made of them."""
    stocked(wh)
    with writes_nothing(wh):
        for frame, column in TEXT_COLUMNS:
            first = {"status": "Frozen", "order_no": "7"}.get(column, "A")
            for value in (1.5, 12.0, True, np.True_, b"bytes", ["list"], {"d": 1},
                          Decimal("1"), Decimal("sNaN")):
                refusal(partial(import_cells, wh, frame, column,
                                pd.Series([first, value], dtype=object)),
                        "is not a text", column=column, row=2)


def test_dates_a_read_cannot_show_are_refused(wh):
    """An order date of 'infinity' was imported, then orders() raised ConversionException."""
    stocked(wh)
    with writes_nothing(wh):
        for value in ("infinity", "-infinity", "epoch", "294247-01-01", "0044-03-15 (BC)",
                      "2026-02-30", "soon", 20261101, True, 1.5):
            refusal(partial(import_cells, wh, "orders", "order_date",
                            pd.Series(["2026-11-01", value], dtype=object)),
                    "order_date", column="order_date", row=2)
    import_cells(wh, "orders", "order_date", pd.Series(["0001-01-01", "9999-12-31"]))
    dates = wh.orders(sort="order_no").set_index("order_no")["order_date"]
    assert str(dates["7"])[:10] == "0001-01-01" and str(dates["8"])[:10] == "9999-12-31"
    wh.releasable_now(include_blocked=True)
    wh.backorder_aging()


# -- issue 9 (6): canonical order numbers -------------------------------------------------

NOT_CANONICAL = ["0140", "00", "1001.99999999999", "140.000", "140.0", "140.01", "140.0001",
                 "+140", "-140", "140.", ".001", "1e3", "１４０", "140.001.002", "140 .001",
                 "1" * 13, "0x8C"]


def test_only_canonical_order_numbers_are_imported(wh):
    """'0140' became a second identity of 140; '1001.99999999999' had its suffix made 0."""
    stocked(wh)
    with writes_nothing(wh):
        for column in ("order_no", "parent_order_no"):
            for number in NOT_CANONICAL:
                refusal(partial(import_order_number, wh, column, number),
                        "is not an order number like 140 or 140.001", column=column, row=1)
    assert wh.order("0140") is None


@PER_EXAMPLE
@given(number=st.one_of(st.from_regex(ORDER_NO_PATTERN, fullmatch=True),
                        st.text(alphabet="0123456789.+-e ١０\n", max_size=18),
                        st.text(max_size=10)))
def test_an_order_number_is_imported_exactly_when_canonical(wh, number):
    if wh.is_empty():
        build(wh, {"A": True}, [], [], [])
    existing = set(wh.order_nos())
    canonical = re.fullmatch(ORDER_NO_PATTERN, number) is not None
    before = snapshot(wh, "orders", "audit_log")
    try:
        wh.import_orders(one_order(number), one_line(number))
    except engine.BackorderError as error:
        deliberate(error)
        assert_unchanged(wh, before)
        assert error.column == "order_no", error
        assert not canonical or number in existing, f"{number!r} refused: {error}"
        return
    stripped = number.strip()  # surrounding blanks are not part of a cell
    assert re.fullmatch(ORDER_NO_PATTERN, stripped) and stripped not in existing, number
    assert order(wh, stripped)["order_no"] == stripped


# -- issue 9 (7) and (8): duplicate edits, empty runs --------------------------------------

def test_two_rows_for_one_order_in_one_edit_are_refused(wh):
    """Order 140 stored priority 1 but audited '2 -> 1' then '2 -> 5'."""
    stocked(wh)
    with writes_nothing(wh):
        for numbers_ in (["140", "140"], ["140", 140], ["140", " 140 "]):
            changes = pd.DataFrame({"order_no": pd.Series(numbers_, dtype=object),
                                    "priority": [2, 5]})
            refusal(partial(wh.edit_orders, changes), "appears twice in one edit",
                    column="order_no", row=2)
    assert order(wh, "140")["priority"] == 3


def test_an_edit_takes_real_values_of_editable_columns_only(wh):
    """A grid gives ints and bools: '2', 'yes' and '1' are not edits, and a column that
    cannot be edited is refused rather than dropped without a word."""
    stocked(wh)
    refusals = [
        ({"140": {"priority": "2"}}, "priority"), ({"140": {"priority": True}}, "priority"),
        ({"140": {"priority": 2.5}}, "priority"), ({"140": {"priority": math.inf}}, "priority"),
        ({"140": {"priority": 2**63}}, "priority"), ({"140": {"priority": 9}}, "priority"),
        ({"140": {"ship_complete": "false"}}, "ship_complete"),
        ({"140": {"ship_complete": "yes"}}, "ship_complete"),
        ({"140": {"ship_complete": 1}}, "ship_complete"),
        ({"140": {"priorty": 1}}, "priorty"), ({"140": {"status": "Shipped"}}, "status"),
        (pd.DataFrame({"order_no": ["140"], "customer": ["Evil"]}), "customer"),
        ({"140": 5}, "changes"), ({"140": None}, "changes"), (None, "changes"),
        ({"nope": {"priority": 1}}, "order_no"), ({"140.0": {"priority": 1}}, "order_no"),
    ]
    with writes_nothing(wh):
        for changes, column in refusals:
            refusal(partial(wh.edit_orders, changes), column=column)
    assert wh.edit_orders({"140": {"priority": 1, "ship_complete": np.True_},
                           141: {"priority": np.int64(4)}}) == 2
    assert order(wh, "140")["priority"] == 1 and order(wh, "140")["ship_complete"]
    assert order(wh, "141")["priority"] == 4


def test_a_run_of_no_orders_is_refused_and_leaves_no_run_row(wh):
    """run_fulfillment([]), [None] or [nan] wrote an empty run row."""
    stocked(wh)
    with writes_nothing(wh):
        for order_nos in ([], [None], [math.nan], [""], "  ", (), np.array([]),
                          ["140", None]):
            refusal(partial(wh.run_fulfillment, order_nos), column="order_nos")
    assert wh.runs().empty


def test_a_cancel_reason_is_text(wh):
    """It was stored as whatever the database made of 12, True or a list."""
    stocked(wh)
    with writes_nothing(wh):
        for reason in (12, True, b"bytes", ["why"], {"why": 1}, "", "   ", "bad \ud800"):
            refusal(partial(wh.cancel, ["140"], reason=reason), "reason", column="reason")
    assert order(wh, "140")["status"] == "On Order"


# -- hostile text through every public write -----------------------------------------------

LONE_SURROGATE = "half \ud800 a character"  # cannot be stored as UTF-8
HOSTILE = ["'; DROP TABLE orders; --", "x" * 100_000, "a\x00b", "\x00",
           "line1\nline2\r\nline3", "ünïcødé ✓ 🚚 中文 עברית \u202eRTL",
           "![x](http://evil) <script>alert(1)</script>", "%_\\ ' \"", LONE_SURROGATE]
# Text no store can keep: a lone surrogate is no UTF-8, and PostgreSQL keeps no NUL.
UNSTORABLE = (LONE_SURROGATE, "a\x00b", "\x00")


def _users(wh: engine.Warehouse) -> list:
    return wh.audit_log()["user"].tolist()


# write(wh, text, k) with the k-th hostile text, and where that text must then read back.
FREE_TEXT = {
    "import_items sku": (
        lambda wh, t, k: wh.import_items(pd.DataFrame({"sku": texts(t), "backorder": [True]})),
        lambda wh: wh.items()["sku"].tolist()),
    "import_items description": (
        lambda wh, t, k: wh.import_items(pd.DataFrame(
            {"sku": [f"D{k}"], "description": texts(t), "backorder": [False]})),
        lambda wh: wh.items()["description"].tolist()),
    "import_items user": (
        lambda wh, t, k: wh.import_items(pd.DataFrame({"sku": [f"U{k}"], "backorder": [True]}),
                                         user=t), _users),
    "import_inventory user": (
        lambda wh, t, k: wh.import_inventory(pd.DataFrame(
            {"sku": ["A"], "status": ["Damaged"], "qty": [1]}), user=t),
        lambda wh: wh.ledger(limit=1_000_000)["user"].tolist()),
    "import_orders customer": (
        lambda wh, t, k: wh.import_orders(one_order(f"{700 + k}", customer=t),
                                          one_line(f"{700 + k}")),
        lambda wh: wh.orders()["customer"].tolist()),
    "import_orders ship_code": (
        lambda wh, t, k: wh.import_orders(one_order(f"{700 + k}", ship_code=t),
                                          one_line(f"{700 + k}")),
        lambda wh: wh.orders()["ship_code"].tolist()),
    "import_orders user": (
        lambda wh, t, k: wh.import_orders(one_order(f"{700 + k}"), one_line(f"{700 + k}"),
                                          user=t), _users),
    "receive reason": (lambda wh, t, k: wh.receive("A", 1, reason=t),
                       lambda wh: wh.ledger(limit=1_000_000)["reason"].tolist()),
    "receive user": (lambda wh, t, k: wh.receive("A", 1, user=t), _users),
    "adjust reason": (lambda wh, t, k: wh.adjust("A", 1, reason=t),
                      lambda wh: wh.ledger(limit=1_000_000)["reason"].tolist()),
    "adjust user": (lambda wh, t, k: wh.adjust("A", 1, user=t), _users),
    "change_status reason": (
        lambda wh, t, k: wh.change_status("A", 1, "Available", "Damaged", reason=t),
        lambda wh: wh.ledger(limit=1_000_000)["reason"].tolist()),
    "change_status user": (
        lambda wh, t, k: wh.change_status("A", 1, "Available", "Damaged", user=t), _users),
    "cancel reason": (lambda wh, t, k: wh.cancel([SPARE[k]], reason=t),
                      lambda wh: wh.audit_log()["detail"].tolist()),
    "cancel user": (lambda wh, t, k: wh.cancel([SPARE[k]], user=t), _users),
    "edit_orders user": (
        lambda wh, t, k: wh.edit_orders({SPARE[k]: {"priority": 1}}, user=t), _users),
    "set_backorder user": (
        lambda wh, t, k: wh.set_backorder(["TR-BK"], k % 2 == 1, user=t), _users),
    "run_fulfillment user": (lambda wh, t, k: wh.run_fulfillment([SPARE[k]], user=t),
                             lambda wh: wh.runs()["user"].tolist()),
    "release_backorders user": (
        lambda wh, t, k: wh.release_backorders([SPARE_BACKORDERS[k]], user=t), _users),
}


@pytest.mark.parametrize("case", list(FREE_TEXT))
def test_hostile_text_is_stored_verbatim_or_refused(wh, case):
    """SQL, 100k characters, newlines, Unicode and Markdown are data: each is stored as
    given and reads back identical. Only text that cannot be stored at all (a lone
    surrogate, a NUL character) is refused, by name, writing nothing."""
    stocked(wh)
    write, read = FREE_TEXT[case]
    stored = []
    for k, text in enumerate(HOSTILE):
        # Only unstorable text may be refused: any other refusal fails here anyway.
        before = snapshot(wh) if text in UNSTORABLE else None
        try:
            write(wh, text, k)
        except engine.BackorderError as error:
            assert text in UNSTORABLE, f"{text[:40]!r} refused: {str(error)[:200]}"
            if not case.endswith(" user"):  # see test_a_user_name_..._is_refused_by_name
                deliberate(error)
            assert_unchanged(wh, before)
            continue
        assert text not in UNSTORABLE, "an unstorable text was accepted"
        stored.append(text)
    found = read(wh)
    for text in stored:
        assert text in found, f"{text[:40]!r} did not read back as given"


def test_a_user_name_that_cannot_be_stored_is_refused_and_writes_nothing(wh):
    stocked(wh)
    with writes_nothing(wh):
        for case in (c for c in FREE_TEXT if c.endswith(" user")):
            with pytest.raises(engine.BackorderError):
                FREE_TEXT[case][0](wh, LONE_SURROGATE, 0)


def test_a_user_name_that_cannot_be_stored_is_refused_by_name(wh):
    stocked(wh)
    error = refused(wh, partial(wh.receive, "A", 1, user=LONE_SURROGATE), column="user")
    assert error.value == LONE_SURROGATE


# write(wh, text) where the text must name something that exists, which it does not.
UNKNOWN_NAMES = {
    "import_inventory sku": lambda wh, t: wh.import_inventory(pd.DataFrame(
        {"sku": texts(t), "status": ["Frozen"], "qty": [1]})),
    "import_inventory status": lambda wh, t: wh.import_inventory(pd.DataFrame(
        {"sku": ["A"], "status": texts(t), "qty": [1]})),
    "import_orders order_no": lambda wh, t: wh.import_orders(one_order(t), one_line(t)),
    "import_orders parent_order_no": lambda wh, t: wh.import_orders(
        one_order("7", parent_order_no=t), one_line("7")),
    "import_orders status": lambda wh, t: wh.import_orders(one_order("7", status=t),
                                                           one_line("7")),
    "import_orders line sku": lambda wh, t: wh.import_orders(one_order("7"), one_line("7", t)),
    "receive sku": lambda wh, t: wh.receive(t, 1),
    "adjust sku": lambda wh, t: wh.adjust(t, 1),
    "adjust status": lambda wh, t: wh.adjust("A", 1, status=t),
    "change_status sku": lambda wh, t: wh.change_status(t, 1, "Available", "Frozen"),
    "change_status from_status": lambda wh, t: wh.change_status("A", 1, t, "Frozen"),
    "change_status to_status": lambda wh, t: wh.change_status("A", 1, "Available", t),
    "edit_orders order_no": lambda wh, t: wh.edit_orders({t: {"priority": 1}}),
    "set_backorder sku": lambda wh, t: wh.set_backorder([t], False),
}


def test_hostile_text_naming_nothing_is_refused_by_name(wh):
    """A SKU, status or order number that is hostile text names nothing: every write that
    takes one refuses it and names it as given."""
    stocked(wh)
    with writes_nothing(wh):
        for case, write in UNKNOWN_NAMES.items():
            for text in HOSTILE:
                error = refusal(partial(write, wh, text))
                assert isinstance(error, engine.ValidationError), (case, repr(error)[:200])
                assert error.value == text, f"{case} names {str(error.value)[:40]!r}"


REPORTS = {
    "ship": lambda wh, t: wh.ship([t]).not_shipped,
    "cancel": lambda wh, t: wh.cancel([t]).not_cancelled,
    "release_backorders": lambda wh, t: wh.release_backorders([t]).not_released,
    "review_release": lambda wh, t: wh.review_release([t]),
}


def test_hostile_order_numbers_are_reported_verbatim_and_change_nothing(wh):
    """ship, cancel, release and review name an unknown order as given, in their report."""
    stocked(wh)
    with writes_nothing(wh):
        for call, report_of in REPORTS.items():
            for text in HOSTILE:
                if text in UNSTORABLE:
                    refusal(partial(report_of, wh, text), column="order_nos")
                    continue
                report = report_of(wh, text)
                assert report["order_no"].tolist() == [text], call
                assert report["reason"].iloc[0] == f"Order {text} was not found", call


def test_hostile_order_numbers_in_a_run_are_not_found_alerts(wh):
    stocked(wh)
    known = [t for t in HOSTILE if t not in UNSTORABLE]
    before = snapshot(wh)
    alerts = wh.run_fulfillment(known).alerts
    assert alerts["kind"].tolist() == ["not_found"] * len(known)
    assert sorted(alerts["order_no"]) == sorted(known)
    after = snapshot(wh)
    for name in ("orders", "items", "inventory", "ledger"):
        pd.testing.assert_frame_equal(after[name], before[name], obj=name)
    for unstorable in UNSTORABLE:
        refused(wh, lambda text=unstorable: wh.run_fulfillment(["140", text]),
                column="order_nos", row=2)


def test_hostile_skus_work_as_skus_end_to_end(wh):
    """Items named with hostile text go through stock, a run, backorders, a receipt that
    releases them, the flag, an adjustment and a status change, and read back as named."""
    skus = [t for t in HOSTILE if t not in UNSTORABLE]
    numbers_ = [str(1000 + k) for k in range(len(skus))]
    build(wh, dict.fromkeys(skus, True), [(s, "Available", 1) for s in skus],
          [{"order_no": n, "customer": s} for n, s in zip(numbers_, skus, strict=True)],
          [(n, 1, s, 3) for n, s in zip(numbers_, skus, strict=True)])
    alerts = wh.run_fulfillment(numbers_).alerts
    backordered = alerts.loc[alerts["kind"] == "backordered"]
    assert sorted(backordered["sku"]) == sorted(skus)
    assert set(backordered["new_order_no"]) == {f"{n}.001" for n in numbers_}
    for n, sku in zip(numbers_, skus, strict=True):
        assert wh.receive(sku, 2).released == [f"{n}.001"]
        assert wh.order_lines(f"{n}.001")["sku"].tolist() == [sku]
    assert wh.set_backorder(skus, False) == len(skus)
    for sku in skus:
        wh.adjust(sku, 1, reason=sku)
        wh.change_status(sku, 1, "Available", "Quarantine", reason=sku)
        assert wh.ledger(sku=sku)["reason"].tolist()[:2] == [sku, sku]
        assert on_hand(wh, sku, "Quarantine") == 1
    items = wh.items().set_index("sku")
    assert sorted(items.index) == sorted(skus)
    assert not items["backorder"].any()
    assert (items["description"] == [f"Item {s}" for s in items.index]).all()
    assert sorted(wh.orders()["customer"].dropna().unique()) == sorted(skus)


# -- properties ------------------------------------------------------------------------------

BOUNDS = {"receive": (1, MAX_MOVEMENT), "adjust": (-MAX_MOVEMENT, MAX_MOVEMENT),
          "change_status": (1, MAX_MOVEMENT)}


@PER_EXAMPLE
@given(movement=st.sampled_from(list(MOVEMENTS)), value=ANYTHING)
def test_any_value_as_a_quantity_moves_exactly_that_whole_number_or_is_refused(
        wh, movement, value):
    """Any int, float, text, bool, None, Decimal or Fraction given as the quantity of a
    receipt, an adjustment or a status change: either it is a whole number in range and
    stock moves by exactly that, or a BackorderError is raised and nothing is written."""
    if wh.is_empty():
        build(wh, {"TR-BK": True}, [("TR-BK", "Available", MAX_MOVEMENT)], [], [])
    whole = as_whole(value)
    low, high = BOUNDS[movement]
    available, frozen = on_hand(wh, "TR-BK"), on_hand(wh, "TR-BK", "Frozen")
    fits = whole is not None and low <= whole <= high and whole != 0 and {
        "receive": True,
        "adjust": available + (whole or 0) >= 0,
        "change_status": (whole or 0) <= available,
    }[movement]
    before = snapshot(wh, "ledger", "audit_log", "inventory")
    write, column = MOVEMENTS[movement]
    try:
        write(wh, value)
    except engine.BackorderError as error:
        deliberate(error)
        assert_unchanged(wh, before)
        assert not fits, f"{value!r} refused: {error}"
        if whole is None or not low <= whole <= high:
            assert isinstance(error, engine.ValidationError) and error.column == column
        return
    assert fits, f"{value!r} was accepted"
    moved = {"receive": (available + whole, frozen), "adjust": (available + whole, frozen),
             "change_status": (available - whole, frozen + whole)}[movement]
    assert (on_hand(wh, "TR-BK"), on_hand(wh, "TR-BK", "Frozen")) == moved


@PER_EXAMPLE
@given(cell=st.one_of(ANYTHING,
                      st.from_regex(r"\A ?[+-]?[0-9]{1,12}(\.[0-9]{0,3})?(e[0-9])? ?\Z")))
def test_any_cell_in_an_inventory_import_is_read_as_written_or_refused(wh, cell):
    """Import frames may spell numbers as text (a CSV does): a cell is imported as the
    whole number it says, 0 is skipped, and anything else is refused by row and column."""
    if wh.is_empty():
        build(wh, {"TR-BK": True}, [], [], [])
    whole = cell_whole(cell)
    fits = whole is not None and 0 <= whole <= MAX_MOVEMENT
    plain = (isinstance(cell, (int, np.integer)) and not isinstance(cell, bool)) or (
        isinstance(cell, str) and re.fullmatch(r" ?[0-9]{1,12} ?", cell) is not None)
    frozen = on_hand(wh, "TR-BK", "Frozen")
    before = snapshot(wh, "ledger", "audit_log", "inventory")
    try:
        written = wh.import_inventory(pd.DataFrame(
            {"sku": ["TR-BK"], "status": ["Frozen"], "qty": pd.Series([cell], dtype=object)}))
    except engine.BackorderError as error:
        deliberate(error)
        assert_unchanged(wh, before)
        assert (error.column, error.row) == ("qty", 1), error
        assert not (fits and plain), f"{cell!r} refused: {error}"
        return
    assert fits, f"{cell!r} was imported"
    assert written == (1 if whole else 0)
    assert on_hand(wh, "TR-BK", "Frozen") == frozen + whole


@PER_EXAMPLE
@given(allowed=ANYTHING)
def test_only_a_real_bool_sets_the_backorder_flag(wh, allowed):
    if wh.is_empty():
        build(wh, {"TR-BK": True}, [], [], [])
    flag = bool(wh.items().set_index("sku").loc["TR-BK", "backorder"])
    before = snapshot(wh, "items", "audit_log")
    try:
        changed = wh.set_backorder(["TR-BK"], allowed)
    except engine.BackorderError as error:
        deliberate(error)
        assert_unchanged(wh, before)
        assert not isinstance(allowed, (bool, np.bool_)), error
        assert error.column == "allowed"
        return
    assert isinstance(allowed, (bool, np.bool_)), f"{allowed!r} was taken as a flag"
    assert bool(wh.items().set_index("sku").loc["TR-BK", "backorder"]) == bool(allowed)
    assert changed == int(flag != bool(allowed))


@PER_EXAMPLE
@given(text=st.text(max_size=40))
def test_any_text_reads_back_as_given(wh, text):
    """A reason (an argument) and a description (an import cell) come back as given, less
    surrounding blanks; a reason of blanks only, or holding a NUL, is refused."""
    if wh.is_empty():
        build(wh, {"TR-BK": True}, [("TR-BK", "Available", 1)], [], [])
    before = snapshot(wh, "ledger", "audit_log", "inventory")
    try:
        wh.adjust("TR-BK", 1, reason=text)
    except engine.BackorderError as error:
        deliberate(error)
        assert_unchanged(wh, before)
        assert not text.strip() or "\x00" in text, f"{text!r} refused: {error}"
        return
    else:
        assert wh.ledger(limit=1)["reason"].tolist() == [text.strip()]
    if text.strip():
        sku = f"T{wh.count_items()}"
        wh.import_items(pd.DataFrame({"sku": [sku], "description": [text.strip()],
                                      "backorder": [True]}))
        assert wh.items().set_index("sku").loc[sku, "description"] == text.strip()
