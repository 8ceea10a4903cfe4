"""Activation Lab: entry point. Page setup and navigation over the files in pages/."""

import streamlit as st
from threadpoolctl import threadpool_limits

from i18n import _
from ui import custom, export, shell, urlstate

# No page_title here: each st.Page's title names the browser tab.
st.set_page_config(
    page_icon="〽️",
    layout="wide",
    initial_sidebar_state="expanded",
)


@st.cache_resource
def one_blas_thread() -> None:
    """One BLAS thread per computation: on a small server, concurrent sessions share the cores
    better, and OpenBLAS's own threads made the depth experiment 5-15x slower under load.
    Once per process: the limit is global, and finding the libraries costs ~5 ms a rerun."""
    threadpool_limits(1, user_api="blas")


one_blas_thread()
shell.freeze_startup_objects()
shell.ensure_entrypoint(entrypoint=True)
urlstate.snapshot()
shell.language_selector()

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
]
page = st.navigation(pages)
shell.forget_other_pages(page.url_path)
custom.formula_box()
export.image_settings()
st.sidebar.caption(_("Every setting lives in the address bar: copy it to share this exact view."))
with shell.compute_slot():
    page.run()
