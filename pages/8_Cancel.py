"""Cancel: orders not yet Shipped or Cancelled are cancelled and their reservation freed.
Select → Review → Submit → Confirmation → OK."""

from __future__ import annotations

from ui import order_action
from ui.layout import page, stop_if_empty

path = page("Cancel orders", ":material/cancel:", "Any order that is not Shipped or "
            "Cancelled can be cancelled; its reserved stock becomes free again. Nothing is "
            "released by it.")
stop_if_empty(path)
order_action.render(order_action.CANCEL, path)
