"""Which column of an uploaded file feeds which field of an import, guessed from the headers.

WMS and ERP exports name the same thing many ways (orderNo, Order No, order_number): a
header is compared with case, spaces, underscores and punctuation taken out, against the
field's own name and the common names below. The analyst corrects the guess on screen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .imports import (
    ENGINE_OWNED,
    EXPECTED_COLUMNS,
    INVENTORY_COLUMNS,
    ITEM_COLUMNS,
    LINE_COLUMNS,
    ORDER_COLUMNS,
)
from .validation import Column

ITEMS, INVENTORY, ORDERS, LINES, FLAT = "items", "inventory", "orders", "lines", "flat"
EXPECTED = "expected_receipts"
KIND_LABELS = {ITEMS: "Items", INVENTORY: "Inventory (opening stock)", ORDERS: "Orders",
               LINES: "Order lines", FLAT: "Orders with lines, one row per line",
               EXPECTED: "Expected receipts (purchase orders, transfers)"}
_OWNED = {c for columns in ENGINE_OWNED.values() for c in columns}


def _importable(columns: list[Column]) -> list[Column]:
    """The columns an upload may carry: not those the engine works out."""
    return [c for c in columns if c.name not in _OWNED]


# A flat file repeats its order's columns on every line; its line number may be left out
# (the lines are then numbered in file order).
_FLAT_LINE = [Column(c.name, c.kind, required=c.name != "line_no", nullable=c.nullable,
                     low=c.low, high=c.high)
              for c in _importable(LINE_COLUMNS) if c.name != "order_no"]
FIELDS: dict[str, list[Column]] = {
    ITEMS: _importable(ITEM_COLUMNS),
    INVENTORY: _importable(INVENTORY_COLUMNS),
    ORDERS: ORDER_COLUMNS,
    LINES: _importable(LINE_COLUMNS),
    FLAT: ORDER_COLUMNS + _FLAT_LINE,
    EXPECTED: EXPECTED_COLUMNS,
}
ORDER_FIELDS = [c.name for c in ORDER_COLUMNS]  # repeated on every line of a flat file

# Common names of each field, already normalised (see `normalise`).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "sku": ("item", "itemno", "itemnumber", "itemcode", "itemid", "product", "productcode",
            "productid", "productno", "partno", "partnumber", "article", "articleno",
            "material", "skucode", "skuno"),
    "description": ("desc", "itemdescription", "productname", "itemname", "name", "title",
                    "productdescription"),
    "backorder": ("backorderallowed", "allowbackorder", "allowbackorders", "backorderable",
                  "backorderflag", "canbackorder", "boallowed", "backorders"),
    "unit_price": ("price", "unitcost", "cost", "listprice", "sellprice", "priceeach"),
    "status": ("stockstatus", "inventorystatus", "orderstatus", "state"),
    "qty": ("quantity", "onhand", "onhandqty", "qtyonhand", "quantityonhand", "stock",
            "units", "stockqty", "expectedqty", "qtyexpected", "quantityexpected", "openqty",
            "qtyopen", "dueqty", "qtydue", "inboundqty", "orderedqty", "qtyordered",
            "poqty", "shippedqty", "asnqty"),
    "order_no": ("orderno", "ordernumber", "orderid", "order", "ordnum", "ordno", "orderref",
                 "ordernum", "salesorder", "salesorderno", "sono"),
    "order_date": ("date", "orderedon", "orderdt", "createddate", "dateordered",
                   "orderplaced"),
    "priority": ("prioritycode", "prio", "orderpriority", "pri", "prioritylevel"),
    "parent_order_no": ("parentorder", "parent", "parentordernumber", "parentorderid",
                        "originalorder", "originalorderno"),
    "ship_code": ("shippingcode", "shipstatus"),
    "ship_complete": ("completeonly", "shipcompleteflag", "fillcomplete", "shipcompleteonly"),
    "ship_by": ("shipbydate", "mustshipby", "requiredby", "requireddate", "requestedship",
                "requestedshipdate", "shipdate", "requesteddate", "latestship"),
    "customer": ("customername", "customerno", "customerid", "customernumber", "client",
                 "account", "accountno", "soldto"),
    "line_no": ("linenumber", "line", "lineid", "linenum", "orderline", "seq", "lineseq",
                "poline", "polineno", "polinenumber", "asnline", "asnlineno", "transferline",
                "receiptline", "refline"),
    "ref": ("po", "pono", "ponumber", "ponum", "poid", "poref", "purchaseorder",
            "purchaseorderno", "purchaseordernumber", "purchaseorderid", "reference",
            "referenceno", "referencenumber", "refno", "refnumber", "transfer", "transferno",
            "transfernumber", "transferorder", "transferorderno", "tono", "asn",
            "asnno", "asnnumber", "asnid", "inbound", "inboundno", "inboundref",
            "receiptref", "document", "documentno", "docno", "shipmentno"),
    "received_qty": ("received", "receivedqty", "qtyreceived", "quantityreceived",
                     "receivedquantity", "receivedsofar", "qtyrecd", "recdqty"),
    "due_date": ("duedate", "due", "eta", "etadate", "expecteddate", "expectedon",
                 "expectedarrival", "expectedarrivaldate", "expecteddelivery",
                 "expecteddeliverydate", "deliverydate", "deliveryon", "arrivaldate",
                 "arrival", "receiptdate", "expectedreceiptdate", "promisedate",
                 "promiseddate", "dockdate", "needbydate"),
    "ordered_qty": ("qty", "quantity", "orderqty", "qtyordered", "quantityordered", "units",
                    "orderedquantity"),
}


def normalise(header: str) -> str:
    """'Order No', 'order_no', 'orderNo' and 'ORDER-NO' all become 'orderno'."""
    return re.sub(r"[^0-9a-z]", "", str(header).casefold())


def _names(field: str) -> tuple[str, ...]:
    return (normalise(field), *SYNONYMS.get(field, ()))


@dataclass(frozen=True)
class Mapping:
    """field -> the file's header that feeds it (None: not in the file)."""

    kind: str
    columns: dict[str, str | None]

    def missing(self) -> list[str]:
        """Required fields that no header feeds."""
        return [c.name for c in FIELDS[self.kind] if c.required and not self.columns.get(c.name)]

    def unused(self, headers: list[str]) -> list[str]:
        """Headers of the file that feed no field: they are not imported."""
        used = {h for h in self.columns.values() if h}
        return [h for h in headers if h not in used]


def guess_mapping(headers: list[str], kind: str) -> Mapping:
    """Each field gets the first header that is its own name, else one of its common names;
    a header feeds one field at most."""
    taken: set[str] = set()
    chosen: dict[str, str | None] = {}
    fields = FIELDS[kind]
    for exact_only in (True, False):  # own names first, so 'qty' is not taken as 'quantity'
        for column in fields:
            if chosen.get(column.name):
                continue
            names = _names(column.name)[:1] if exact_only else _names(column.name)
            found = next((h for name in names for h in headers
                          if h not in taken and normalise(h) == name), None)
            chosen[column.name] = found
            if found:
                taken.add(found)
    return Mapping(kind, {c.name: chosen.get(c.name) for c in fields})


def guess_kind(headers: list[str]) -> str:
    """The kind whose required fields the headers cover, most fields matched first; a
    file with order and line columns is a flat file."""
    best, score = ITEMS, (-1, -1)
    for kind in (FLAT, LINES, ORDERS, EXPECTED, INVENTORY, ITEMS):
        mapping = guess_mapping(headers, kind)
        found = sum(1 for h in mapping.columns.values() if h)
        candidate = (0 if mapping.missing() else 1, found)
        if candidate > score:
            best, score = kind, candidate
    return best
