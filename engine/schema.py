"""The DuckDB schema. Balances are derived from the ledger and the order lines,
never stored twice, so they cannot drift."""

ORDER_STATUSES = ("Pending", "On Order", "Back Order", "Processed", "Shipped", "Cancelled")
STOCK_STATUSES = ("Available", "Frozen", "Damaged", "Quarantine")
# Orders whose allocated units are still reserved against Available stock.
RESERVING_STATUSES = ("Pending", "On Order", "Back Order", "Processed")

SHIP_CODE_BACKORDER = "Unshippable backorder"
SHIP_CODE_READY = "Ready to ship"
SHIP_CODE_FULLY_BACKORDERED = "Fully backordered"
SHIP_CODE_FULLY_SHORTED = "Fully shorted"


def sql_list(values: tuple[str, ...]) -> str:
    """A fixed set of names as an SQL IN list; only for the engine's own constants."""
    return ", ".join(f"'{v}'" for v in values)


DDL = """
CREATE TABLE IF NOT EXISTS items (
    sku VARCHAR NOT NULL,
    description VARCHAR,
    backorder BOOLEAN NOT NULL,
    unit_price DOUBLE
);

CREATE TABLE IF NOT EXISTS inventory_ledger (
    entry_id BIGINT NOT NULL,
    "at" TIMESTAMP NOT NULL,
    "user" VARCHAR,
    kind VARCHAR NOT NULL,      -- import, receipt, adjustment, status_change, shipment
    sku VARCHAR NOT NULL,
    status VARCHAR NOT NULL,
    qty BIGINT NOT NULL,
    receipt_id BIGINT,
    reason VARCHAR
);

CREATE TABLE IF NOT EXISTS orders (
    order_no VARCHAR NOT NULL,
    root_no BIGINT NOT NULL,
    suffix INTEGER NOT NULL,
    parent_order_no VARCHAR,
    order_date DATE NOT NULL,
    priority INTEGER NOT NULL,
    status VARCHAR NOT NULL,
    ship_code VARCHAR,
    ship_complete BOOLEAN NOT NULL,
    customer VARCHAR,
    created_at TIMESTAMP NOT NULL,
    released_at TIMESTAMP,
    created_by_run BIGINT,
    lines INTEGER NOT NULL DEFAULT 0,  -- what was ordered never changes: kept with the
    units BIGINT NOT NULL DEFAULT 0,   -- order so the grid sorts by it without a scan
    value DOUBLE NOT NULL DEFAULT 0,   -- of every line (units x unit price)
    ship_by DATE,                      -- the customer's need-by date, when given
    order_id BIGINT NOT NULL           -- the order's id, for run results that name it
);

CREATE TABLE IF NOT EXISTS order_lines (
    order_no VARCHAR NOT NULL,
    line_no INTEGER NOT NULL,
    sku VARCHAR NOT NULL,
    ordered_qty BIGINT NOT NULL,
    allocated_qty BIGINT NOT NULL DEFAULT 0,
    shorted_qty BIGINT NOT NULL DEFAULT 0,
    backorder_qty BIGINT NOT NULL DEFAULT 0,
    line_id BIGINT NOT NULL         -- the line's id, for run results that name it
);

CREATE TABLE IF NOT EXISTS runs (
    run_id BIGINT NOT NULL,
    "at" TIMESTAMP NOT NULL,
    "user" VARCHAR,
    backorder_grouping VARCHAR NOT NULL,
    orders_requested BIGINT,
    orders_processed BIGINT,
    orders_cancelled BIGINT,
    orders_remaining BIGINT,
    orders_filled_complete BIGINT,
    orders_backordered BIGINT,
    lines_requested BIGINT,
    lines_filled BIGINT,
    units_requested BIGINT,
    units_allocated BIGINT,
    units_backordered BIGINT,
    units_shorted BIGINT,
    backorders_created BIGINT,
    policy VARCHAR DEFAULT 'rank'   -- the allocation policy the run used
);

-- What each run asked of each line and what the line got: "first time" fill rates per run,
-- filterable by SKU, priority and customer. Lines are referred to by their line_id: an
-- integer keeps this write cheap at scale.
CREATE TABLE IF NOT EXISTS run_line_results (
    run_id BIGINT NOT NULL,
    line_id BIGINT NOT NULL,
    requested BIGINT NOT NULL,
    allocated BIGINT NOT NULL,
    backordered BIGINT NOT NULL,
    shorted BIGINT NOT NULL
);

-- Alerts and audit rows stored as rows of their own; the `alerts` and `audit` views add
-- those a run derives from its results (LOG_VIEWS below).
CREATE TABLE IF NOT EXISTS alert_entries (
    run_id BIGINT NOT NULL,
    order_no VARCHAR,
    sku VARCHAR,
    severity VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    qty BIGINT,
    new_order_no VARCHAR,
    message VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS audit_entries (
    audit_id BIGINT NOT NULL,
    "at" TIMESTAMP NOT NULL,
    "user" VARCHAR,
    action VARCHAR NOT NULL,
    order_no VARCHAR,
    sku VARCHAR,
    qty BIGINT,
    run_id BIGINT,
    receipt_id BIGINT,
    detail VARCHAR
);

-- What each run did to each order it processed (orders are never deleted either).
CREATE TABLE IF NOT EXISTS run_order_results (
    run_id BIGINT NOT NULL,
    order_id BIGINT NOT NULL,
    allocated BIGINT NOT NULL,
    new_status VARCHAR NOT NULL,
    new_ship_code VARCHAR
);

-- Runs whose per-line alerts and per-order audit rows are derived, and the audit id their
-- derived rows sort at. Runs recorded before version 4 stored them as rows.
CREATE TABLE IF NOT EXISTS run_log_ids (
    run_id BIGINT NOT NULL,
    audit_id BIGINT NOT NULL
);

-- Reserved units per SKU, kept by every write (engine/reservations.py).
CREATE TABLE IF NOT EXISTS sku_reserved (
    sku VARCHAR NOT NULL,
    reserved BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);

-- Inbound supply the warehouse is waiting for (design section 6): a purchase-order or
-- transfer line. Added by CREATE IF NOT EXISTS, so files made before it get it on open.
CREATE TABLE IF NOT EXISTS expected_receipts (
    ref VARCHAR NOT NULL,
    line_no INTEGER NOT NULL,
    sku VARCHAR NOT NULL,
    qty BIGINT NOT NULL,
    due_date DATE NOT NULL,
    received_qty BIGINT NOT NULL DEFAULT 0,
    imported_at TIMESTAMP
);

-- Warehouse-wide switches an analyst sets (auto-release on availability events).
CREATE TABLE IF NOT EXISTS warehouse_settings (
    name VARCHAR NOT NULL,
    value BOOLEAN NOT NULL
);
"""
# Views are made after the tables: a shared store keeps them in each process's memory.
VIEWS = """
CREATE OR REPLACE VIEW on_hand AS
    SELECT sku, status, sum(qty)::BIGINT AS qty
    FROM inventory_ledger GROUP BY sku, status;
CREATE OR REPLACE VIEW reserved AS
    SELECT sku, reserved FROM sku_reserved WHERE reserved <> 0;
"""
SCHEMA_VERSION = 7  # 2: reserved units kept in sku_reserved; 3: order totals kept;
#                    4: a run's per-line alerts and per-order audit rows derived;
#                    5: orders carry an optional ship_by date; 6: runs record their policy;
#                    7: explicit order and line ids, and id counters in place of sequences

# Audit ids of stored rows are spaced out so the rows a run derives sort between them.
AUDIT_ID_SPACING = 4_294_967_296
# The message of an alert row of `alert_facts`: stored, or made from the derived row.
ALERT_MESSAGE_SQL = """coalesce(message, CASE kind
    WHEN 'backordered' THEN 'SKU ' || sku || ': ' || qty || ' back-ordered on ' || new_order_no
    ELSE 'SKU ' || sku || ': ' || qty || ' shorted (item does not allow backorder)' END)"""
LOG_VIEWS = f"""
CREATE OR REPLACE VIEW alert_facts AS  -- a derived alert's message is made when read
    SELECT run_id, order_no, sku, severity, kind, qty, new_order_no, message
    FROM alert_entries
    UNION ALL
    SELECT o.created_by_run, o.parent_order_no, l.sku, 'info', 'backordered', l.ordered_qty,
           o.order_no, NULL
    FROM orders o JOIN order_lines l USING (order_no)
    WHERE o.created_by_run IN (SELECT run_id FROM run_log_ids)
    UNION ALL
    SELECT x.run_id, l.order_no, l.sku, 'warning', 'shorted', x.shorted, NULL, NULL
    FROM run_line_results x JOIN order_lines l USING (line_id)
    WHERE x.shorted > 0 AND x.run_id IN (SELECT run_id FROM run_log_ids);

-- How many alerts of each kind a run has, without building them: a derived backordered
-- alert is a line of one of the run's backorders (each keeps its line count).
CREATE OR REPLACE VIEW alert_kind_counts AS
    SELECT run_id, severity, kind, count(*) AS alerts FROM alert_entries GROUP BY ALL
    UNION ALL
    SELECT created_by_run, 'info', 'backordered', sum(lines) FROM orders
    WHERE created_by_run IN (SELECT run_id FROM run_log_ids) GROUP BY 1
    UNION ALL
    SELECT run_id, 'warning', 'shorted', count(*) FROM run_line_results
    WHERE shorted > 0 AND run_id IN (SELECT run_id FROM run_log_ids) GROUP BY 1;

CREATE OR REPLACE VIEW alerts AS
    SELECT * REPLACE ({ALERT_MESSAGE_SQL} AS message) FROM alert_facts;

CREATE OR REPLACE VIEW audit AS
    SELECT audit_id * {AUDIT_ID_SPACING} AS audit_id, "at", "user", action, order_no, sku,
           qty, run_id, receipt_id, detail
    FROM audit_entries
    UNION ALL
    SELECT m.audit_id * {AUDIT_ID_SPACING} + x.order_id, r."at", r."user", 'fulfilled',
           o.order_no, NULL, x.allocated, x.run_id, NULL,
           x.new_status || coalesce(' (' || x.new_ship_code || ')', '')
    FROM run_order_results x JOIN run_log_ids m USING (run_id) JOIN runs r USING (run_id)
    JOIN orders o USING (order_id)
    UNION ALL
    SELECT m.audit_id * {AUDIT_ID_SPACING} + {AUDIT_ID_SPACING // 2} + o.order_id, r."at",
           r."user", 'backorder_created', o.order_no, NULL, o.units, o.created_by_run, NULL,
           'from ' || o.parent_order_no
    FROM orders o JOIN run_log_ids m ON m.run_id = o.created_by_run
    JOIN runs r ON r.run_id = o.created_by_run;
"""

# (order_no, lines, units, value) of the lines in `{lines}`, priced from items.
ORDER_TOTALS = """
    SELECT l.order_no, count(*)::INTEGER AS lines, sum(l.ordered_qty)::BIGINT AS units,
           sum(l.ordered_qty * coalesce(i.unit_price, 0))::DOUBLE AS value
    FROM {lines} l LEFT JOIN items i USING (sku) GROUP BY l.order_no"""


def free_stock_sql(skus_table: str | None = None) -> str:
    """Free Available stock per SKU, optionally only for the SKUs in `skus_table(sku)`."""
    where = f"WHERE sku IN (SELECT sku FROM {skus_table})" if skus_table else ""
    return f"""
        SELECT sku,
               greatest(coalesce(sum(qty) FILTER (WHERE status = 'Available'), 0)
                        - coalesce(any_value(reserved), 0), 0)::BIGINT AS free
        FROM (
            SELECT sku, status, qty, NULL::BIGINT AS reserved FROM inventory_ledger {where}
            UNION ALL
            SELECT sku, 'Available', 0, reserved FROM reserved {where}
        )
        GROUP BY sku
    """


# The warehouse's own tables, in whichever catalog and schema the store keeps them (a
# DuckDB file's `main`, or PostgreSQL's `public` through the attached catalog).
TABLES_SQL = """
    SELECT table_name FROM information_schema.tables
    WHERE table_catalog = current_database() AND table_schema = current_schema()
      AND table_type = 'BASE TABLE'"""
COLUMNS_SQL = """
    SELECT column_name FROM information_schema.columns
    WHERE table_catalog = current_database() AND table_schema = current_schema()
      AND table_name = ?"""


def table_exists(cur, table: str) -> bool:
    return bool(cur.execute(f"SELECT count(*) FROM ({TABLES_SQL}) WHERE table_name = ?",
                            [table]).fetchall()[0][0])
