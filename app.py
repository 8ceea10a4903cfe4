"""Activation Lab: entry point. Page setup and navigation over the files in pages/."""

import streamlit as st

from i18n import _
from ui import export, shell

# No page_title here: each st.Page's title names the browser tab.
st.set_page_config(
    page_icon="〽️",
    layout="wide",
    initial_sidebar_state="expanded",
)
shell.ensure_entrypoint()
shell.language_selector()

pages = [
    st.Page(
        "pages/home.py", title=_("Home"), icon=":material/home:", url_path="home", default=True
    ),
    st.Page("pages/curves.py", title=_("Curves"), icon=":material/show_chart:", url_path="curves"),
]
page = st.navigation(pages)
export.image_settings()
page.run()
