"""Shared Streamlit UI code: the cached warehouse, cached reads, colours, grid and wizard
helpers, and Plotly figure builders. Pages stay thin by importing from here."""
