"""Backorder analytics: volume over time, aging, top SKUs with their stock, fill rate per
run, each following the filters; and the ETA outlook of every open backorder. Every
chart's data can be downloaded."""

from __future__ import annotations

import streamlit as st

from engine import BackorderFilter
from ui import charts, data, receipts
from ui.export import export_frame
from ui.layout import PAGES, page, stop_if_empty

path = page("Backorder analytics", ":material/monitoring:", "Backorders by creation date. "
            "Fill rates are first-time rates per run, before any release.")
stop_if_empty(path)

with st.sidebar:
    st.header("Filters")
    date_from = st.date_input("Created from", value=None, key="an_from")
    date_to = st.date_input("Created to", value=None, key="an_to")
    sku = st.text_input("SKU", key="an_sku", placeholder="e.g. tr-g",
                        help="A SKU or its start; case does not matter").strip() or None
    priorities = st.multiselect("Priority", [1, 2, 3, 4, 5], key="an_priority")
    customer = st.text_input("Customer", key="an_customer",
                             placeholder="part of a name").strip() or None
    top_n = st.slider("Top SKUs", min_value=5, max_value=30, value=10, key="an_top_n")
f = BackorderFilter(date_from=date_from, date_to=date_to, sku=sku,
                    priorities=priorities or None, customer=customer)

panels = [
    ("volume", data.backorder_volume(path, f), charts.volume_figure,
     "Units back-ordered against units released, per day"),
    ("aging", data.backorder_aging(path, f), charts.aging_figure,
     "Open backorder units by age; watch those older than a day"),
    ("top_skus", data.top_backorder_skus(path, f, top_n), charts.top_skus_figure,
     "SKUs with the most units waiting, and the free stock each has"),
    ("fill_rates", data.fill_rates(path, f), charts.fill_rate_figure,
     "Line and unit fill rate of each fulfillment run"),
]
NOTES = {"top_skus": "Units waiting follow every filter. Stock (free, Frozen, Damaged) is "
                    "each SKU's whole stock: it is not split by customer or priority."}
TITLES = {"volume": "volume", "aging": "aging", "top_skus": "top SKUs",
          "fill_rates": "fill rate"}
for row in (panels[:2], panels[2:]):
    for column, (name, frame, build, alt) in zip(st.columns(2), row, strict=True):
        with column, st.container(border=True, key=f"an_panel_{name}"):
            st.plotly_chart(build(frame), key=f"an_chart_{name}", alt=alt)
            if name in NOTES:
                st.caption(NOTES[name])
            with st.popover(f"Download {TITLES[name]} data", icon=":material/download:"):
                export_frame(st, frame, f"backorder_{name}", f"an_download_{name}",
                             label="Data")

OUTLOOK_DAYS = 28
outlook = receipts.outlook(path, OUTLOOK_DAYS)
with st.container(border=True, key="an_panel_eta"):
    waiting, waiting_units = charts.no_supply(outlook)
    ahead = outlook[outlook["day"].notna()]
    with st.container(horizontal=True, key="an_eta_metrics"):
        st.metric("Expected to release in 4 weeks", f"{int(ahead['orders'].sum()):,}",
                  border=True, help="Backorders whose ETA falls in the next 28 days")
        st.metric("Units", f"{int(ahead['units'].sum()):,}", border=True)
        st.metric("No known supply", f"{waiting:,}", border=True,
                  help="Backorders that neither free stock nor any expected receipt covers: "
                       "they have no ETA")
        st.metric("Units with no known supply", f"{waiting_units:,}", border=True)
    st.plotly_chart(charts.eta_outlook_figure(outlook), key="an_chart_eta",
                    alt="Backorders expected to release per day over the next four weeks, "
                        "by free stock or expected receipts")
    st.caption("Every open backorder, whatever the filters: its ETA is the day the release "
               "rule would release it if every expected receipt arrived on its due date.")
    links = st.columns([1, 1, 2], vertical_alignment="center")
    with links[0].popover("Download ETA outlook data", icon=":material/download:"):
        export_frame(st, outlook, "eta_outlook", "an_download_eta", label="Data")
    links[1].page_link(PAGES["receipts"], label="Expected receipts",
                       icon=":material/move_to_inbox:")
