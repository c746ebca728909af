"""An order's record, opened where the analyst is looking: a dialog over the Orders screen
with its header, when and why it waits (a Back Order: its ETA, each SKU's reason and
numbers, the orders holding the stock and the expected receipts, as links), its parent and
backorders as links, its lines and its history."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from . import data, orders, release, why
from .colors import ORDER_STATUS_COLORS, badge
from .grid import history_config, history_frame, lines_config
from .labels import plural
from .layout import PAGES
from .text import escape_md

RELEASE_BUTTON_KEY = "orders_detail_release"


def show(path: str) -> None:
    """Open the dialog for the order in `orders.OPEN_KEY`, if any (once per script run)."""
    order_no = orders.open_order_no()
    if order_no:
        st.dialog(f"Order {escape_md(order_no)}", width="large",
                  on_dismiss=orders.close_record)(_body)(path, order_no)


def _link(order_no: str, label: str | None = None) -> None:
    st.page_link(PAGES["orders"], label=label or order_no, icon=":material/receipt_long:",
                 query_params={"order": order_no})


def _receipt_link(ref: str) -> None:
    """A link to expected receipt `ref` on its own screen (the ref URL-encoded by
    Streamlit); the ref as plain text if this install has no such screen."""
    if (Path(__file__).resolve().parents[1] / why.RECEIPTS_PAGE).exists():
        st.page_link(why.RECEIPTS_PAGE, label=escape_md(ref), icon=":material/local_shipping:",
                     query_params={"ref": ref})
    else:
        st.text(ref)


def _when_and_why(path: str, order_no: str, info: dict) -> None:
    """A Back Order's ETA, and why it waits SKU by SKU, with links to the orders holding
    the stock and to the receipts that will bring it."""
    detail = data.why_waiting(path, order_no)
    with st.container(key="order_why"):
        st.markdown(why.eta_line(info))
        st.markdown("\n".join(f"- {escape_md(r)}" for r in detail["reason"]))
        st.dataframe(why.numbers(detail), hide_index=True, column_config=why.numbers_config(),
                     alt=f"Stock behind order {order_no}, by SKU")
        for i, (sku, named, more) in enumerate(why.holders(detail)):
            with st.container(horizontal=True, vertical_alignment="center",
                              key=f"order_why_holders_{i}"):
                st.markdown(f"{escape_md(sku)} is reserved for", width="content")
                for holder in named:
                    _link(holder)
                if more:
                    st.caption(f"and {more:,} more", width="content")
        refs = why.receipt_refs(detail, info.get("covered_by"))
        if refs:
            with st.container(horizontal=True, vertical_alignment="center",
                              key="order_why_receipts"):
                st.markdown("Expected receipts", width="content")
                for ref in refs:
                    _receipt_link(ref)


def _body(path: str, order_no: str) -> None:
    info = data.order(path, order_no)
    if info is None:
        st.warning(f"Order {escape_md(order_no)} was not found.")
        return
    with st.container(key="order_record"):
        st.markdown(
            f"{badge(info['status'], ORDER_STATUS_COLORS)} · priority **{info['priority']}** · "
            f"ordered {info['order_date']:%d %b %Y} · "
            f"{escape_md(info['customer'] or 'no customer')} · ship code "
            f"*{escape_md(info['ship_code'] or 'none')}* · ship complete "
            f"**{'yes' if info['ship_complete'] else 'no'}** · "
            f"{plural(int(info['units']), 'unit')} worth ${info['value']:,.2f}")
        if info["status"] == "Back Order":
            reason = data.waiting_reasons(path, (order_no,)).get(order_no)
            st.warning(f"**Why waiting:** {escape_md(reason or 'unknown')}",
                       icon=":material/hourglass_top:")
            _when_and_why(path, order_no, info)
            if st.button("Release Back Order", key=RELEASE_BUTTON_KEY, type="primary",
                         icon=":material/lock_open:",
                         help=f"Review {escape_md(order_no)} for release"):
                orders.close_record()  # OK at the end of the release opens it again
                release.start([order_no], origin=PAGES["orders"], record=order_no)
                st.switch_page(release.PAGE)
        family = st.columns(2)
        with family[0]:
            st.markdown("**Parent**")
            if info["parent_order_no"]:
                _link(info["parent_order_no"])
            else:
                st.caption("None: an original order")
        with family[1]:
            children = data.backorders_of(path, order_no)
            st.markdown(f"**Backorders** ({len(children)})")
            for child in children[:20]:
                _link(child)
            if len(children) > 20:
                st.caption(f"and {len(children) - 20} more")
            if not children:
                st.caption("None")
        lines_tab, history_tab = st.tabs(["Lines", "History"])
        lines_tab.dataframe(data.order_lines(path, order_no), hide_index=True,
                            column_config=lines_config(), alt=f"Lines of order {order_no}")
        history_tab.dataframe(history_frame(data.order_history(path, order_no)),
                              hide_index=True, column_config=history_config(),
                              alt=f"History of order {order_no}")
