"""A template per kind of import: the columns the desk reads, with two example rows, as a
CSV, Excel or Parquet file an analyst can fill in."""

from __future__ import annotations

import os
import tempfile

import pandas as pd

from .column_mapping import EXPECTED, FIELDS, FLAT, INVENTORY, ITEMS, LINES, ORDERS
from .exports import EXPORT_FORMATS, frame_to_file

_EXAMPLES = {
    "sku": ["TR-GR", "SD-WH"], "description": ["Trail runner, green", "Sandal, white"],
    "backorder": ["true", "false"], "unit_price": ["59.90", "24.50"],
    "status": ["Available", "Frozen"], "qty": ["12", "3"],
    "order_no": ["140", "141"], "order_date": ["2026-11-01", "2026-11-02"],
    "priority": ["1", "3"], "parent_order_no": [None, None], "ship_code": [None, None],
    "ship_complete": ["false", "true"], "customer": ["Acme Sports", "Bolt Outdoor"],
    "ship_by": [None, "2026-12-04"],
    "line_no": ["1", "1"], "ordered_qty": ["5", "2"],
    "ref": ["PO-4471", "TR-0093"], "due_date": ["2026-11-20", "2026-11-27"],
    "received_qty": ["0", "4"],
}
_ORDER_STATUS = ["On Order", "On Order"]


def template(kind: str) -> pd.DataFrame:
    """The kind's columns (required first) with example rows, all as text."""
    columns = sorted(FIELDS[kind], key=lambda c: not c.required)
    frame = pd.DataFrame({c.name: _EXAMPLES[c.name] for c in columns}, dtype="string")
    if "status" in frame and kind in (ORDERS, FLAT):
        frame["status"] = _ORDER_STATUS
    if kind == EXPECTED:  # inbound supply comes in larger lots than stock is counted in
        frame["qty"] = ["40", "120"]
    if kind == FLAT:  # a second line of order 140: the order's columns repeated
        frame = frame.iloc[[0, 0, 1]].reset_index(drop=True)
        frame.loc[1, ["line_no", "sku", "ordered_qty"]] = ["2", "SD-WH", "1"]
    return frame


def template_bytes(kind: str, fmt: str) -> bytes:
    """The template as a file's bytes in `fmt` (csv, xlsx or parquet)."""
    handle, path = tempfile.mkstemp(suffix="." + fmt, prefix="backorder-template-")
    os.close(handle)
    try:
        frame_to_file(template(kind), path, fmt)
        with open(path, "rb") as f:
            return f.read()
    finally:
        if os.path.exists(path):
            os.remove(path)


TEMPLATE_KINDS = (ITEMS, INVENTORY, ORDERS, LINES, FLAT, EXPECTED)
TEMPLATE_FORMATS = EXPORT_FORMATS
