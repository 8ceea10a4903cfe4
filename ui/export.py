"""Show a chart with its export controls; built once, used by every chart of the app."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence

import numpy as np
import plotly.graph_objects as go
import streamlit as st

import i18n
from charts import export
from charts.theme import FigureSpec, plotly_config, safe_filename, spec_of, themed
from i18n import _
from ui import shell
from ui.app_controls import (
    APP_CONTROLS,
    FORMAT_KEY,
    IMAGE_THEME_KEY,
    PALETTE_KEY,
    SCALE_KEY,
)
from ui.live_chart import LiveLink, live_chart


def image_settings() -> None:
    """Sidebar controls, in the URL: the palette of every chart, and the image export's
    settings (the camera button's format and scale, light or on-screen colours)."""
    APP_CONTROLS.show(PALETTE_KEY, st.sidebar)
    with st.sidebar.expander(_("Image export"), expanded=False):
        APP_CONTROLS.show(FORMAT_KEY)
        APP_CONTROLS.show(SCALE_KEY)
        APP_CONTROLS.show(IMAGE_THEME_KEY)
    shell.shortcut_hint()


def palette() -> str:
    """The palette the user chose ("registry" or "okabe_ito")."""
    return st.session_state.get(PALETTE_KEY) or "registry"


def export_theme() -> str:
    """The colours of exported files: light unless the user asked for what the screen shows."""
    return shell.theme_type() if st.session_state.get(IMAGE_THEME_KEY) == "screen" else "light"


def for_screen(fig: go.Figure | FigureSpec) -> FigureSpec:
    """``fig`` in the page's light or dark theme and the user's palette."""
    spec = spec_of(fig) if isinstance(fig, go.Figure) else fig
    return themed(spec, theme=shell.theme_type(), palette=palette(), transparent=True)


def chart_config(stem: str, name: str, image_format: str, scale: float) -> dict:
    """The chart's plotly config; its camera options also carry, for ui/shortcuts.js and
    charts/static_image.js, the chart's name for screen readers (its title, else ``name``)
    and the colours of its pictures (light unless the user chose "as on screen")."""
    config = plotly_config(stem, image_format=image_format, scale=scale)
    config["toImageButtonOptions"].update(accessibleName=name, exportTheme=export_theme_choice())
    return config


def export_theme_choice() -> str:
    """ "light" or "screen", as the user chose for exported pictures."""
    return "screen" if st.session_state.get(IMAGE_THEME_KEY) == "screen" else "light"


def _for_file(theme: str, palette_: str, make: Callable[[], go.Figure | FigureSpec]) -> FigureSpec:
    fig = make()
    spec = spec_of(fig) if isinstance(fig, go.Figure) else fig
    return themed(spec, theme=theme, palette=palette_)


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
    # Files are light by default (slides, print), in the user's palette.
    make = functools.partial(_for_file, export_theme(), palette(), make)
    image_format = st.session_state.get(FORMAT_KEY) or "png"
    scale = st.session_state.get(SCALE_KEY) or 2
    stem = safe_filename(name)
    live_chart(
        for_screen(fig),
        key=f"chart-{key}",
        config=chart_config(stem, name, image_format, scale),
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
        renderer = export.renderer()
        busy = renderer.full
        if busy:
            # Polite and early: the buttons wait until the queue has room again (a click that
            # still meets a full queue gets Streamlit's "failed to generate" note).
            st.caption(
                _(
                    "The server is drawing {n} pictures for other users; "
                    "try PNG/SVG/PDF again in a few seconds."
                ).format(n=renderer.pending)
            )
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
                disabled=busy,
            )


def _image_maker(
    make: Callable[[], go.Figure | FigureSpec], image_format: str, scale: float
) -> Callable[[], bytes]:
    return lambda: export.to_image(make(), image_format, scale)
