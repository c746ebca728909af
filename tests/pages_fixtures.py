"""Fixtures for the AppTest page tests (loaded with `pytest_plugins = ["pages_fixtures"]`):
a database file per test (a copy of one demo database built per session, a small hand-made
warehouse, or an empty one), BACKORDER_DB pointing at it, and Streamlit's process-wide
caches cleared around every test."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from pages_helpers import engine


@pytest.fixture(autouse=True)
def fresh_streamlit_caches():
    """Caches are shared across tests in one process: start and end each test clean."""
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture(scope="session")
def demo_source(tmp_path_factory) -> Path:
    """The demo warehouse, built once per session (loading it takes seconds)."""
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    wh = engine.open(str(path))
    wh.load_demo(seed=0)
    wh.close()
    return path


@pytest.fixture
def demo_db(demo_source, tmp_path, monkeypatch) -> Path:
    path = tmp_path / "demo.duckdb"
    shutil.copy(demo_source, path)
    monkeypatch.setenv("BACKORDER_DB", str(path))
    return path


@pytest.fixture
def empty_db(tmp_path, monkeypatch) -> Path:
    """An existing but empty database: the app must not seed it and must say it is empty."""
    path = tmp_path / "empty.duckdb"
    engine.open(str(path)).close()
    monkeypatch.setenv("BACKORDER_DB", str(path))
    return path


@pytest.fixture
def small_db(tmp_path, monkeypatch) -> Path:
    """Three items, a little stock, three On Order orders: exact numbers to assert on.
    A (backorder ok): 5 Available. B (backorder ok): 2 Available, 3 Frozen.
    C (no backorder): 1 Available. Orders 1: A 4 + C 3; 2: A 6 (priority 2); 3: B 5."""
    path = tmp_path / "small.duckdb"
    wh = engine.open(str(path))
    wh.import_items(pd.DataFrame({"sku": ["A", "B", "C"], "description": ["Alpha", "Beta",
                                                                          "Gamma"],
                                  "backorder": [True, True, False],
                                  "unit_price": [1.0, 2.0, 3.0]}))
    wh.import_inventory(pd.DataFrame({"sku": ["A", "B", "B", "C"],
                                      "status": ["Available", "Available", "Frozen",
                                                 "Available"],
                                      "qty": [5, 2, 3, 1]}))
    wh.import_orders(
        pd.DataFrame({"order_no": ["1", "2", "3"], "order_date": ["2026-11-01"] * 3,
                      "priority": [1, 2, 3], "status": ["On Order"] * 3,
                      "customer": ["Acme", "Bolt", "Cord"]}),
        pd.DataFrame({"order_no": ["1", "1", "2", "3"], "line_no": [1, 2, 1, 1],
                      "sku": ["A", "C", "A", "B"], "ordered_qty": [4, 3, 6, 5]}))
    wh.close()
    monkeypatch.setenv("BACKORDER_DB", str(path))
    return path
