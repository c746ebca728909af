"""Ship: Processed orders leave the warehouse; their reserved units are taken from
Available on-hand. Select → Review → Submit → Confirmation → OK."""

from __future__ import annotations

from ui import order_action
from ui.layout import page, stop_if_empty

path = page("Ship orders", ":material/outbound:", "Only Processed orders ship. Shipping "
            "consumes their reserved units from Available stock.")
stop_if_empty(path)
order_action.render(order_action.SHIP, path)
