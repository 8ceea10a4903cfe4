"""Show a chart with its export controls; built once, used by every chart of the app."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence

import numpy as np
import plotly.graph_objects as go
import streamlit as st

import i18n
from charts import export
from charts.theme import FigureSpec, plotly_config, safe_filename
from i18n import _
from ui.app_controls import APP_CONTROLS, FORMAT_KEY, SCALE_KEY
from ui.live_chart import LiveLink, live_chart


def image_settings() -> None:
    """Sidebar controls for the chart toolbar's camera button (format and scale), in the URL."""
    with st.sidebar.expander(_("Image export"), expanded=False):
        APP_CONTROLS.show(FORMAT_KEY)
        APP_CONTROLS.show(SCALE_KEY)


def show_chart(
    fig: go.Figure | FigureSpec,
    name: str,
    data: Mapping[str, np.ndarray | list]
    | Callable[[], Mapping[str, np.ndarray | list]]
    | None = None,
    *,
    key: str,
    links: Sequence[LiveLink] = (),
    rebuild: Callable[[], go.Figure | FigureSpec] | None = None,
) -> None:
    """Draw ``fig`` with a toolbar camera (file ``name``) and an Export menu under it.

    ``data`` (or a function returning it) is the plotted data, offered as CSV. Make such a
    function with ``functools.partial`` of a function outside the page: Streamlit keeps it for
    the session until the next run, and a function defined in a page script holds that run's
    whole namespace (every array of the page) alive with it. ``links`` let
    sliders redraw the chart in the browser (see ``ui.live_chart``). ``rebuild`` (made the
    same way) makes ``fig`` again for the HTML and image files, so that the session does not
    keep a large figure until its next run.
    """
    lang = i18n.current_language()
    make = (lambda: fig) if rebuild is None else functools.partial(i18n.translated, lang, rebuild)
    image_format = st.session_state.get(FORMAT_KEY) or "png"
    scale = st.session_state.get(SCALE_KEY) or 2
    stem = safe_filename(name)
    live_chart(
        fig,
        key=f"chart-{key}",
        config=plotly_config(stem, image_format=image_format, scale=scale),
        links=links,
    )
    with st.popover(_("Export"), icon=":material/download:"):
        st.caption(_("Interactive HTML works offline; CSV holds the plotted data."))
        st.download_button(
            "HTML",
            # Made when clicked, outside this run: in the page's language (toolbar tooltips).
            data=lambda: i18n.translated(
                lang,
                functools.partial(export.to_html, image_format=image_format, scale=scale),
                make(),
                stem,
            ),
            file_name=f"{stem}.html",
            mime="text/html",
            on_click="ignore",
            key=f"html-{key}",
            icon=":material/code:",
        )
        if data is not None:
            st.download_button(
                "CSV",
                data=lambda: export.to_csv(data() if callable(data) else data),
                file_name=f"{stem}.csv",
                mime="text/csv",
                on_click="ignore",
                key=f"csv-{key}",
                icon=":material/table:",
            )
        if export.find_browser() is None:
            st.caption(
                _(
                    "Server-side PNG/SVG/PDF needs Chrome or Chromium on the server; "
                    "use the chart's camera button instead."
                )
            )
            return
        mimes = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf"}
        for image_format_ in export.IMAGE_FORMATS:
            st.download_button(
                f"{image_format_.upper()} ({scale}×)"
                if image_format_ == "png"
                else image_format_.upper(),
                data=_image_maker(make, image_format_, scale),
                file_name=f"{stem}.{image_format_}",
                mime=mimes[image_format_],
                on_click="ignore",
                key=f"{image_format_}-{key}",
                icon=":material/image:",
            )


def _image_maker(
    make: Callable[[], go.Figure | FigureSpec], image_format: str, scale: float
) -> Callable[[], bytes]:
    return lambda: export.to_image(make(), image_format, scale)
