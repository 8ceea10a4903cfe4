"""Streamlit helpers shared by the pages: app shell, URL state, chart export."""
