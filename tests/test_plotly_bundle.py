"""The plotly.js the live charts load: a partial bundle (ui/plotly/bundle) of the same version
as plotly.py's exports, holding every trace type the app draws."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import plotly.graph_objects as go
import plotly.io as pio
import pytest

from ui import live_chart

SERVED = Path(live_chart.PLOTLY_BUNDLE_DIR)
MANIFEST = json.loads((SERVED / "plotly-lab.json").read_text(encoding="utf-8"))


def test_the_served_bundle_is_the_one_the_build_recorded():
    bundle = (SERVED / "plotly-lab.min.js").read_bytes()
    assert hashlib.sha256(bundle).hexdigest() == MANIFEST["sha256"]
    assert bundle.startswith(f"/* plotly.js v{MANIFEST['plotly_js']} ".encode())
    assert live_chart.PLOTLY_JS_URL.endswith("/plotly-lab.min.js")


def test_same_plotly_js_as_the_exports():
    full = Path(pio.__file__).resolve().parent.parent / "package_data" / "plotly.min.js"
    header = full.read_text(encoding="utf-8")[:200]
    assert re.search(r"plotly\.js v(\S+)", header).group(1) == MANIFEST["plotly_js"]


def test_the_bundle_lists_the_entry_files_traces():
    entry = (SERVED.parent / "bundle" / "entry.js").read_text(encoding="utf-8")
    registered = re.findall(r"require\('plotly\.js/lib/(\w+)'\)", entry)
    assert set(MANIFEST["traces"]) == {"scatter", *registered} - {"core"}
    assert set(MANIFEST["traces"]) == live_chart.BUNDLED_TRACES


@pytest.mark.parametrize(
    "fig",
    [
        {"data": [{"x": [0, 1], "y": [1, 0]}, {"type": "heatmap", "z": [[1]]}]},
        go.Figure(go.Contour(z=[[1, 2], [3, 4]])),
        {"data": [], "frames": [{"data": [{"type": "scattergl"}, {"type": "bar"}]}]},
    ],
)
def test_trace_types_sees_data_and_frames(fig):
    assert live_chart.trace_types(fig) <= live_chart.BUNDLED_TRACES


def test_a_trace_outside_the_bundle_fails_loudly():
    fig = {"data": [{"type": "scatter3d"}], "frames": [{"data": [{"type": "pie"}]}]}
    assert live_chart.trace_types(fig) == {"scatter3d", "pie"}
    with pytest.raises(ValueError, match=r"entry\.js"):
        live_chart.live_chart(fig, key="k", config={})
