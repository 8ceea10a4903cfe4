"""Activation Lab: entry point. Page setup and navigation over the files in pages/."""

import streamlit as st

from i18n import _
from ui import custom, export, live_chart, server, shell, urlstate

# No page_title here: each st.Page's title names the browser tab.
st.set_page_config(
    page_icon="〽️",
    layout="wide",
    initial_sidebar_state="expanded",
)
server.set_up()
server.ensure_entrypoint(entrypoint=True)
urlstate.snapshot()
shell.language_selector()
shell.style()
# plotly.js starts loading with the first message of the run, while the page computes.
live_chart.preload()

pages = [
    st.Page(
        "pages/home.py", title=_("Home"), icon=":material/home:", url_path="home", default=True
    ),
    st.Page("pages/curves.py", title=_("Curves"), icon=":material/show_chart:", url_path="curves"),
    st.Page("pages/warp.py", title=_("Warp"), icon=":material/transform:", url_path="warp"),
    st.Page("pages/train.py", title=_("Train"), icon=":material/model_training:", url_path="train"),
    st.Page(
        "pages/gradients.py",
        title=_("Gradients"),
        icon=":material/trending_down:",
        url_path="gradients",
    ),
    st.Page(
        "pages/softmax.py", title=_("Softmax"), icon=":material/bar_chart:", url_path="softmax"
    ),
    st.Page("pages/lessons.py", title=_("Lessons"), icon=":material/school:", url_path="lessons"),
]
page = st.navigation(pages)
shell.switch_pages(page.url_path)
custom.formula_box()
export.image_settings()
st.sidebar.caption(_("Every setting lives in the address bar: copy it to share this exact view."))
with server.compute_slot():
    try:
        page.run()
    finally:  # also when the page stops or reruns early
        shell.remember_link(page.url_path)
