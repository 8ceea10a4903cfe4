"""Shared look of every chart: colours stable per activation, layout defaults, toolbar config."""

from __future__ import annotations

import base64
import functools
import re
from typing import Any

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio

import activations
import i18n
from i18n import _

CUSTOM_COLOR = "#111111"
# Copies of one activation share its colour and differ by dash, so "same function, other
# parameters" reads at a glance.
DASHES: tuple[str, ...] = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")
# Latin faces first, then a CJK face (Debian's fonts-noto-cjk) so Chinese titles render in
# the browser and in kaleido's server-side PNG/SVG/PDF. Both CJK faces hold every Han glyph; the
# first one decides the glyph shapes, so Traditional Chinese puts the Taiwan (TC) face first.
FONT_FAMILY = "Inter, 'Noto Sans', 'Noto Sans CJK SC', 'Noto Sans CJK TC', sans-serif"
FONT_FAMILY_TC = "Inter, 'Noto Sans', 'Noto Sans CJK TC', 'Noto Sans CJK SC', sans-serif"


def font_family(lang: str | None = None) -> str:
    """The chart font stack for ``lang`` (default: the current language)."""
    lang = i18n.current_language() if lang is None else lang
    return FONT_FAMILY_TC if lang == "zh_Hant" else FONT_FAMILY


def activation_color(name: str) -> str:
    """The colour of activation ``name`` on every page: its registry entry's (each has a WCAG
    contrast of at least 3:1 on white, tests/test_charts.py); custom formulas are drawn in
    black."""
    return activations.get(name).colour if name in activations.names() else CUSTOM_COLOR


# How activations.formula labels a user's formula: "Custom: <the formula, shortened>".
_CUSTOM_PREFIX = "Custom: "


def activation_label(act: activations.Activation) -> str:
    """The name of ``act`` as the user reads it: the library's English label, translated
    (i18n/extract.py puts every registry label in the catalogue)."""
    if act.name == "custom" and act.label.startswith(_CUSTOM_PREFIX):
        return _("Custom: {formula}").format(formula=act.label[len(_CUSTOM_PREFIX) :])
    return _(act.label)


def copy_dash(copy_index: int) -> str:
    """Line dash for the ``copy_index``-th copy (0 = the original) of an activation."""
    return DASHES[copy_index % len(DASHES)]


@functools.cache
def _template() -> dict[str, Any]:
    # Expanded once: an unvalidated figure must carry the template itself, not its name.
    return pio.templates["plotly_white"].to_plotly_json()


def base_layout_dict(*, title: str | None = None, height: int = 480) -> dict[str, Any]:
    """The app-wide layout as a plain dict: white template, readable fonts, compact margins."""
    layout: dict[str, Any] = {
        "template": _template(),
        "height": height,
        "font": {"family": font_family(), "size": 13},
        "margin": {"l": 60, "r": 20, "t": 70 if title else 40, "b": 50},
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0.0},
        "hovermode": "x unified",
    }
    if title:
        layout["title"] = {"text": title, "x": 0.0, "xanchor": "left"}
    return layout


def base_layout(fig: go.Figure, *, title: str | None = None, height: int = 480) -> go.Figure:
    """Apply the app-wide layout to a figure built with plotly's validating API."""
    layout = base_layout_dict(title=title, height=height)
    layout["template"] = "plotly_white"
    fig.update_layout(**layout)
    return fig


FigureSpec = dict[str, Any]
"""A figure as Plotly's JSON dict ({"data", "layout"[, "frames"]}): what every figure builder
of ``charts`` returns. The app draws these directly (building plotly.py's objects and their
deep copies would cost more than a Warp rerun's computing); in a notebook, ``go.Figure(spec)``
or ``plotly.io.show(spec)``."""


def spec_of(fig: go.Figure) -> FigureSpec:
    """A figure built with plotly.py's API as Plotly's JSON dict, without copies (plotly.py's
    own plain-dict state): what every figure builder returns."""
    spec: FigureSpec = {"data": fig._data, "layout": fig._layout}
    frames = [frame._props for frame in fig._frame_objs]
    if frames:
        spec["frames"] = frames
    return spec


def fast_figure(
    data: list[dict[str, Any]], layout: dict[str, Any], frames: list[dict[str, Any]] | None = None
) -> go.Figure:
    """A Figure from plain dicts without plotly's property validation.

    Validation costs tens of milliseconds per figure, a large share of a slider's round trip;
    the tests validate every builder's output once instead (``go.Figure(fig.to_dict())``).
    """
    return go.Figure(data=data, layout=layout, frames=frames, _validate=False)


def safe_filename(text: str) -> str:
    """A file-name stem from a title: letters, digits, dots, dashes (unicode letters kept)."""
    stem = re.sub(r"[^\w.\-]+", "_", text, flags=re.UNICODE).strip("_")
    return stem[:80] or "chart"


# Height in px of the band above every chart that holds its toolbar (plotly.js's "mode bar"):
# drawn over the figure, the toolbar covered the last legend items and long titles.
MODEBAR_BAND = 28

# plotly.js buttons that send the chart to an outside service ("sendChartToCloud": plotly.js
# 3-4's "Share chart", which uploads it to Plotly Cloud; the others are older versions' names).
# Nothing leaves the machine: every chart's config removes them and turns the feature off.
OUTSIDE_SERVICE_BUTTONS = ("sendChartToCloud", "sendDataToCloud", "editInChartStudio")


def plotly_config(
    filename: str, *, image_format: str = "png", scale: float = 2.0
) -> dict[str, Any]:
    """Chart toolbar config: the camera button downloads ``filename`` at ``scale``; no button
    sends the chart anywhere; the toolbar's tooltips speak the current language."""
    config: dict[str, Any] = {
        "displaylogo": False,
        "showSendToCloud": False,
        "plotlyServerURL": "",  # no destination, should any share code path run anyway
        "toImageButtonOptions": {
            "format": image_format,
            "filename": safe_filename(filename),
            "scale": scale,
        },
        "modeBarButtonsToRemove": ["lasso2d", "select2d", *OUTSIDE_SERVICE_BUTTONS],
    }
    lang = i18n.current_language()
    if lang != i18n.DEFAULT_LANGUAGE:
        config["locale"] = lang
        config["locales"] = {lang: {"dictionary": modebar_dictionary()}}
    return config


def camera_title(image_format: str) -> str:
    """Tooltip of the app's camera button (charts/static_image.js)."""
    return _("Download the chart as {format}").format(format=image_format.upper())


def modebar_dictionary() -> dict[str, str]:
    """plotly.js's own English texts of a 2-D chart's toolbar and zoom hints, translated: the
    ``dictionary`` of a plotly.js locale."""
    return {
        "Autoscale": _("Autoscale"),
        "Box Select": _("Box Select"),
        "Compare data on hover": _("Compare data on hover"),
        "Double-click to zoom back out": _("Double-click to zoom back out"),
        "Download plot": _("Download plot"),
        "Download plot as a PNG": _("Download plot as a PNG"),
        "Image download succeeded": _("Image download succeeded"),
        "Lasso Select": _("Lasso Select"),
        "Pan": _("Pan"),
        "Preparing image - this may take a few seconds": _(
            "Preparing image - this may take a few seconds"
        ),
        "Reset axes": _("Reset axes"),
        "Reset": _("Reset"),
        "Show closest data on hover": _("Show closest data on hover"),
        "Sorry, there was a problem downloading your image!": _(
            "Sorry, there was a problem downloading your image!"
        ),
        "Toggle Spike Lines": _("Toggle Spike Lines"),
        "Toggle show closest data on hover": _("Toggle show closest data on hover"),
        "Zoom": _("Zoom"),
        "Zoom in": _("Zoom in"),
        "Zoom out": _("Zoom out"),
    }


_TYPED_DTYPES = {np.float32: "f4", np.float64: "f8", np.int8: "i1"}


def typed_array(a: Any, dtype: str | None = None) -> dict[str, str]:
    """A Plotly typed-array spec ({dtype, bdata[, shape]}) of ``a``, cast to ``dtype`` ("f4",
    "f8", "i1") if given. Passing arrays pre-encoded skips plotly.py's per-array validation and
    copying, which otherwise dominates the build time of a figure with many frames."""
    with np.errstate(over="ignore", invalid="ignore"):
        a = np.ascontiguousarray(a, dtype=dtype)
    spec = {"dtype": _TYPED_DTYPES[a.dtype.type], "bdata": base64.b64encode(a).decode("ascii")}
    if a.ndim > 1:
        spec["shape"] = ", ".join(str(k) for k in a.shape)
    return spec


def panel_title(text: str, x: float, y: float) -> dict[str, Any]:
    """A subplot's title: an annotation centred on ``x``, its bottom at ``y`` (paper units)."""
    return {
        "text": text,
        "x": x,
        "y": y,
        "xref": "paper",
        "yref": "paper",
        "xanchor": "center",
        "yanchor": "bottom",
        "showarrow": False,
        "font": {"size": 14},
    }


# --- light or dark, and a colour-blind-safe palette --------------------------------------------

THEMES = ("light", "dark")
# Streamlit 1.67's dark background: an exported dark picture has the page's colour (on the
# page itself a dark chart is transparent, so it also sits well on a custom dark theme).
DARK_BACKGROUND = "#171614"
# Okabe & Ito (2008), "Color Universal Design": eight colours that stay distinct with every
# common colour-vision deficiency. Ordered so that the first few are the most distinct and the
# yellow, weakest on white, comes last; black is the ink colour of its theme.
OKABE_ITO = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")
PALETTES = ("registry", "okabe_ito")
# Fixed ink colours of the figure builders (custom formula, guides, marker outlines) and what
# they become on a dark background.
_DARK_INK = {
    "#111111": "#eeeeee",
    "black": "#eeeeee",
    "#000000": "#eeeeee",
    "#555": "#bbbbbb",
    "#555555": "#bbbbbb",
    "white": DARK_BACKGROUND,
    "#ffffff": DARK_BACKGROUND,
    "#ececec": "#262b36",
    "#e6e6e6": "#303643",
}


# The way back, for a light picture of a chart drawn dark (the camera button, charts/export.py).
LIGHT_INK = {
    "#eeeeee": "#111111",
    "#bbbbbb": "#555555",
    DARK_BACKGROUND: "white",
    "#262b36": "#ececec",
    "#303643": "#e6e6e6",
    "#ffffff": "#000000",  # Okabe-Ito's ink on dark
}


def is_dark(layout: dict[str, Any]) -> bool:
    """Whether ``layout`` was made dark by :func:`themed`."""
    template = layout.get("template")
    paper = (
        (template.get("layout") or {}).get("paper_bgcolor") if isinstance(template, dict) else None
    )
    return paper == DARK_BACKGROUND


def light_template() -> dict[str, Any]:
    """The app's light template, expanded (what :func:`base_layout_dict` puts in a figure)."""
    return _template()


@functools.cache
def _dark_template() -> dict[str, Any]:
    template = pio.templates["plotly_dark"].to_plotly_json()
    template["layout"]["paper_bgcolor"] = DARK_BACKGROUND
    template["layout"]["plot_bgcolor"] = DARK_BACKGROUND
    return template


@functools.cache
def _registry_colours() -> frozenset[str]:
    return frozenset(activations.get(name).colour.lower() for name in activations.names())


def palette_colours(palette: str, theme: str = "light") -> tuple[str, ...]:
    """The colours ``palette`` gives activations in order of appearance (() for the registry's
    own colours)."""
    if palette != "okabe_ito":
        return ()
    ink = "#FFFFFF" if theme == "dark" else "#000000"
    return tuple(ink if c == "#000000" else c for c in OKABE_ITO)


def themed(
    fig: FigureSpec, *, theme: str = "light", palette: str = "registry", transparent: bool = False
) -> FigureSpec:
    """``fig`` for a light or dark page and a palette: a new spec sharing every unchanged part
    with ``fig`` (the light theme with the registry's colours returns ``fig`` itself).

    Dark: Plotly's dark template on Streamlit's dark background, and the builders' fixed ink
    colours (:data:`_DARK_INK`) turned light. ``"okabe_ito"``: each registry colour in the
    figure becomes the next Okabe–Ito colour in order of first appearance, so up to eight
    activations in one chart stay distinct for colour-blind readers; copies of one activation
    keep sharing a colour. ``transparent``: a dark figure lets the page show through (screen).
    """
    mapping: dict[str, str] = {}
    if theme == "dark":
        mapping.update(_DARK_INK)
    colours = palette_colours(palette, theme)
    if colours:
        seen: list[str] = []
        for colour in _colour_values(fig.get("data", [])):
            low = colour.lower()
            if low in _registry_colours() and low not in seen:
                seen.append(low)
        mapping.update({c: colours[i % len(colours)] for i, c in enumerate(seen)})
    if not mapping and theme != "dark":
        return fig
    out: FigureSpec = dict(fig)
    for part in ("data", "layout", "frames"):
        if part in fig:
            out[part] = _recolour(fig[part], mapping)
    if theme == "dark":
        layout = dict(out.get("layout") or {})
        layout["template"] = _dark_template()
        background = "rgba(0,0,0,0)" if transparent else DARK_BACKGROUND
        for key in ("paper_bgcolor", "plot_bgcolor"):
            if key in layout or transparent:
                layout[key] = background
        out["layout"] = layout
    return out


def _colour_values(node: Any, key: str = "") -> list[str]:
    """Colour strings under keys ending in "color", depth first (trace order)."""
    found: list[str] = []
    if isinstance(node, str):
        if key.endswith("color"):
            found.append(node)
    elif isinstance(node, dict):
        if "bdata" not in node:
            for k, v in node.items():
                found.extend(_colour_values(v, str(k)))
    elif isinstance(node, list | tuple) and node and isinstance(node[0], dict | list | str):
        for v in node:
            found.extend(_colour_values(v, key))
    return found


def _recolour(node: Any, mapping: dict[str, str], key: str = "") -> Any:
    """``node`` with colour strings (under keys ending in "color") mapped; unchanged parts are
    shared, not copied. Templates and typed arrays are left alone."""
    if isinstance(node, str):
        return mapping.get(node.lower(), node) if key.endswith("color") else node
    if isinstance(node, dict):
        if "bdata" in node:
            return node
        out = None
        for k, v in node.items():
            if k == "template":
                continue
            new = _recolour(v, mapping, str(k))
            if new is not v:
                out = dict(node) if out is None else out
                out[k] = new
        return node if out is None else out
    if isinstance(node, list | tuple) and node and isinstance(node[0], dict | list | str):
        new_items = [_recolour(v, mapping, key) for v in node]
        if any(a is not b for a, b in zip(new_items, node, strict=True)):
            return new_items
    return node
