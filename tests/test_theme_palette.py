"""Light or dark charts, the colour-blind-safe palette, and where both travel (charts.theme
.themed, ui.export, the link)."""

from __future__ import annotations

import copy
import json

from figtools import chart_config, figures, live_charts, valid

import activations
from charts.theme import (
    CUSTOM_COLOR,
    DARK_BACKGROUND,
    OKABE_ITO,
    activation_color,
    base_layout_dict,
    themed,
)


def at_chart(at):
    return live_charts(at)[0].proto


def curves_figure(*names: str) -> dict:
    data = [
        {
            "type": "scatter",
            "x": [0, 1],
            "y": [0, 1],
            "name": n,
            "line": {"color": activation_color(n)},
        }
        for n in names
    ]
    data.append({"type": "scatter", "x": [0, 1], "y": [1, 0], "line": {"color": CUSTOM_COLOR}})
    layout = base_layout_dict(title="t")
    layout["annotations"] = [{"text": "note", "font": {"color": "#555"}, "showarrow": False}]
    return {"data": data, "layout": layout}


def test_light_with_the_registry_colours_is_the_figure_itself():
    fig = curves_figure("relu", "tanh")
    assert themed(fig) is fig


def test_dark_uses_a_dark_template_and_light_ink_and_leaves_the_input_alone():
    fig = curves_figure("relu", "tanh")
    before = copy.deepcopy(fig)
    dark = themed(fig, theme="dark")
    assert fig == before  # nothing mutated: builders' results may be cached
    layout = dark["layout"]
    assert layout["template"]["layout"]["paper_bgcolor"] == DARK_BACKGROUND
    assert dark["data"][-1]["line"]["color"] == "#eeeeee"  # the custom formula's black
    assert layout["annotations"][0]["font"]["color"] == "#bbbbbb"
    # Activation colours stay; unchanged parts are shared, not copied.
    assert dark["data"][0]["line"]["color"] == activation_color("relu")
    assert dark["data"][0] is fig["data"][0]
    on_page = themed(fig, theme="dark", transparent=True)["layout"]
    assert on_page["paper_bgcolor"] == on_page["plot_bgcolor"] == "rgba(0,0,0,0)"
    valid(dark)


def test_okabe_ito_maps_registry_colours_in_order_of_appearance():
    fig = curves_figure("gelu", "relu", "gelu", "sigmoid")
    safe = themed(fig, palette="okabe_ito")
    colours = [t["line"]["color"] for t in safe["data"]]
    # gelu, relu, gelu again (a copy keeps its colour), sigmoid; the custom formula keeps ink.
    assert colours == [OKABE_ITO[0], OKABE_ITO[1], OKABE_ITO[0], OKABE_ITO[2], CUSTOM_COLOR]
    dark = themed(fig, theme="dark", palette="okabe_ito")
    assert [t["line"]["color"] for t in dark["data"]][:2] == [OKABE_ITO[0], OKABE_ITO[1]]


def test_the_palette_maps_every_registry_activation_and_knows_no_list_of_its_own():
    # Every activation's colour is mapped from its registry entry: 8 at a time are distinct.
    names = activations.names()
    for start in range(0, len(names), 8):
        group = names[start : start + 8]
        safe = themed(curves_figure(*group), palette="okabe_ito")
        colours = [t["line"]["color"] for t in safe["data"][: len(group)]]
        distinct_registry = len({activation_color(n) for n in group})
        assert len(set(colours)) == distinct_registry
        assert set(colours) <= set(OKABE_ITO)


def test_typed_arrays_and_templates_are_not_walked():
    fig = curves_figure("relu")
    fig["data"][0]["y"] = {"dtype": "f8", "bdata": "AAAAAAAA8D8="}
    safe = themed(fig, palette="okabe_ito")
    assert safe["data"][0]["y"] is fig["data"][0]["y"]
    assert json.dumps(safe)  # still plain JSON


def test_palette_travels_in_the_link_and_colours_the_page(run_page):
    at = run_page("curves", {"palette": "okabe_ito", "act": ["relu", "gelu"]})
    assert not at.exception
    assert at.sidebar.radio(key="palette").value == "okabe_ito"
    fig = figures(at)[0]
    colours = [t["line"]["color"] for t in fig["data"] if t.get("line", {}).get("color")]
    assert list(dict.fromkeys(colours))[:2] == [OKABE_ITO[0], OKABE_ITO[1]]  # f and f′ share
    # The chart is named for screen readers, and its pictures are light by default.
    options = chart_config(at_chart(at))["toImageButtonOptions"]
    assert options["accessibleName"] == "activation curves" and options["exportTheme"] == "light"


def test_default_page_keeps_registry_colours_and_a_bad_palette_is_reported(run_page):
    at = run_page("curves", {"palette": "rainbow", "act": ["relu"]})
    assert not at.exception
    assert at.sidebar.radio(key="palette").value == "registry"
    assert any("palette" in w.value for w in at.warning)
    fig = figures(at)[0]
    assert fig["data"][0]["line"]["color"] == activation_color("relu")


def test_exported_pictures_default_to_light(run_page):
    at = run_page("curves", {"imgtheme": "screen"})
    assert at.segmented_control(key="imgtheme").value == "screen" and not at.exception
    at = run_page("curves")
    assert at.segmented_control(key="imgtheme").value == "light"


def test_a_full_export_queue_is_said_politely_and_the_image_buttons_wait(run_page, monkeypatch):
    from charts import export

    full = export.Renderer(capacity=2)
    full._pending = 2  # two exports of other users queued or running
    monkeypatch.setattr(export, "_RENDERER", full)
    monkeypatch.setattr(export, "find_browser", lambda: "/usr/bin/chromium")
    at = run_page("curves", {"act": "relu", "lang": "tr"})
    assert not at.exception
    notes = [c.value for c in at.caption if "PNG/SVG/PDF" in c.value]
    assert notes and "2 resim" in notes[0]  # translated, with the count
    buttons = at.get("download_button")
    images = [b for b in buttons if b.proto.label.split()[0] in ("PNG", "SVG", "PDF")]
    assert images and all(b.proto.disabled for b in images)
    others = [b for b in buttons if b.proto.label in ("HTML", "CSV")]
    assert others and not any(b.proto.disabled for b in others)


def test_camera_of_a_dark_chart_offers_a_light_picture():
    from charts.export import camera
    from charts.theme import LIGHT_INK

    dark = themed(curves_figure("relu"), theme="dark", transparent=True)
    light = camera(dark)["light"]  # static_image.js uses it unless exportTheme is "screen"
    assert light["patch"]["paper_bgcolor"] == "white"
    assert light["patch"]["template"]["layout"]["paper_bgcolor"] != DARK_BACKGROUND
    assert light["recolour"] == LIGHT_INK and LIGHT_INK["#eeeeee"] == CUSTOM_COLOR
    assert "light" not in camera(curves_figure("relu"))  # a light chart needs nothing
