"""Figure builders: pure functions from data and settings to ``plotly.graph_objects.Figure``.

They never read widgets or session state, so they are easy to test and reuse from a notebook.
"""
