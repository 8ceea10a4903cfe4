"""Baseline of bench/bench_first_paint.py: a bare Streamlit page with one Plotly chart."""

import plotly.graph_objects as go
import streamlit as st

st.title("Bare page")
st.plotly_chart(go.Figure(go.Scatter(x=[0, 1, 2, 3], y=[1, 3, 2, 4])))
