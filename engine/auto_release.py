"""Which availability events release waiting backorders by themselves (design section 6).

By default only receipts do, as in the WMS. A warehouse may choose adjustments and status
changes too, so stock that turns up by any route goes to the backorders waiting for it."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import duckdb

from . import audit
from .db import Database
from .errors import ValidationError
from .schema import table_exists


@dataclass(frozen=True)
class AutoRelease:
    on_receipt: bool = True
    on_adjustment: bool = False
    on_status_change: bool = False

    def describe(self) -> str:
        events = [name for name, on in (("receipts", self.on_receipt),
                                        ("adjustments", self.on_adjustment),
                                        ("status changes", self.on_status_change)) if on]
        return ("Backorders are released automatically on " + ", ".join(events)
                if events else "Backorders are only released by hand")


def _present(cur: duckdb.DuckDBPyConnection) -> bool:
    return table_exists(cur, "warehouse_settings")


def settings(cur: duckdb.DuckDBPyConnection) -> AutoRelease:
    """The warehouse's choice; the defaults when it never made one (or its file is older)."""
    if not _present(cur):
        return AutoRelease()
    chosen = dict(cur.execute("SELECT name, value FROM warehouse_settings "
                              "WHERE starts_with(name, 'auto_release.')").fetchall())
    default = asdict(AutoRelease())
    return AutoRelease(**{k: bool(chosen.get(f"auto_release.{k}", v))
                          for k, v in default.items()})


def _flag(value: object, name: str) -> bool:
    if not isinstance(value, bool):
        raise ValidationError(f"{name} must be true or false, not {value!r}", column=name,
                              value=value)
    return value


def set_auto_release(db: Database, on_receipt: bool = True, on_adjustment: bool = False,
                     on_status_change: bool = False, user: str | None = None) -> AutoRelease:
    """Stores the choice and audits what changed; returns the setting now in force."""
    wanted = AutoRelease(_flag(on_receipt, "on_receipt"), _flag(on_adjustment, "on_adjustment"),
                         _flag(on_status_change, "on_status_change"))
    at = db.now()
    with db.write() as cur:
        before = settings(cur)
        changed = {k: v for k, v in asdict(wanted).items() if asdict(before)[k] != v}
        if not changed:
            return wanted
        cur.execute("DELETE FROM warehouse_settings WHERE starts_with(name, 'auto_release.')")
        names = [f"auto_release.{k}" for k in asdict(wanted)]
        cur.execute("INSERT INTO warehouse_settings SELECT unnest(?::VARCHAR[]), "
                    "unnest(?::BOOLEAN[])", [names, list(asdict(wanted).values())])
        words = "; ".join(f"{k.removeprefix('on_').replace('_', ' ')}: "
                          f"{'on' if v else 'off'}" for k, v in changed.items())
        audit.record_one(cur, at, user, "auto_release_changed",
                         detail=f"auto-release {words}")
    return wanted
