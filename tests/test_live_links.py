"""What the Warp and Curves pages send for the browser to follow the hand (ui/live_chart.py):
the controls, one live element per chart whose trace layout matches the figure, and each
activation as generated JavaScript (no precomputed values per slider position)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from figtools import arr, live_charts
from jsnode import NODE, evaluate

import activations
from activations import warp
from activations.clouds import make_cloud
from activations.jscode import JsActivation
from ui.warp_view import LIVE_COUNTS_MAX


def live_elements(at) -> dict[str, dict]:
    """The live data elements, by chart key."""
    out = {}
    for element in at.get("bidi_component"):
        if element.proto.json:
            data = json.loads(element.proto.json)
            if "live" in data:
                out[data["chart"]] = data["live"]
    return out


def metas(at) -> dict[str, dict]:
    return {
        json.loads(e.proto.bytes)["meta"]["chart"]: json.loads(e.proto.bytes)
        for e in live_charts(at)
    }


def test_warp_sends_its_controls_points_and_activations(run_page):
    at = run_page("warp", {"mode": "svd", "n": "300", "act": "leaky_relu", "sat": "true"})
    assert not at.exception
    live, charts = live_elements(at), metas(at)
    assert set(live) == {"chart-warp", "chart-warp-stages"}
    meta = charts["chart-warp"]["meta"]
    # Every continuous control of the layer, with the value the figure was made for.
    assert set(meta["state"]) == {
        "b1", "b2", "theta", "s1", "s2", "phi", "reflect", "leaky_relu.negative_slope",
    }  # fmt: skip
    assert meta["state"]["theta"] == 30 and meta["state"]["leaky_relu.negative_slope"] == 0.01
    assert meta["controls"]["theta"] == ["st-key-theta-slider", "st-key-theta"]
    assert meta["dynamic"]["mode"] == "svd"
    for key, data in live.items():
        figure = charts[key]["figure"]
        # One entry per trace of the figure, in its order; each group's points where the
        # figure has them (the ring's are chosen in the browser).
        assert len(data["traces"]) == len(figure["data"])
        points = arr(data["points"]).reshape(-1, 2)
        for trace, drawn in zip(data["traces"], figure["data"], strict=True):
            if trace["ring"]:
                continue
            order = arr(trace["order"]).astype(int)
            panel = data["panels"][trace["panel"]]
            assert len(order) == len(arr(drawn["x"]))
            if key == "chart-warp-stages" and panel["stage"] == 0:  # the input panel
                np.testing.assert_allclose(arr(drawn["x"]), points[order, 0], rtol=1e-6)
        assert data["sides"][0]["params"] == ["leaky_relu.negative_slope"]
        assert "values" not in data  # nothing precomputed per slider position
    # The counts: every point of the cloud and its label.
    counts = live["chart-warp"]["counts"]
    cloud = make_cloud("square", 300, 0)
    np.testing.assert_array_equal(arr(counts["points"]).reshape(-1, 2), cloud.points)
    np.testing.assert_array_equal(arr(counts["labels"]), cloud.labels)
    assert counts["columns"] == [1, 2, 3, 1 + len(warp.FATES)]


@pytest.mark.skipif(NODE is None, reason="needs Node.js")
def test_warp_activation_runs_as_sent(run_page):
    at = run_page("warp", {"act": "elu", "elu.alpha": "2.5", "n": "300"})
    side = live_elements(at)["chart-warp"]["sides"][0]
    spec = JsActivation(tuple(side["spec"]["params"]), side["spec"]["f"], side["spec"]["g"])
    z = np.linspace(-8, 8, 1601)
    f, g = evaluate([(spec, z, [2.5])])[0]
    ref_f, ref_g = activations.get("elu").value_and_grad(z, alpha=2.5)
    np.testing.assert_allclose(f, ref_f, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(g, ref_g, rtol=1e-12, atol=1e-15)


def test_big_clouds_leave_the_counts_to_the_rerun(run_page):
    at = run_page("warp", {"n": str(LIVE_COUNTS_MAX + 1)})
    assert live_elements(at)["chart-warp"]["counts"] is None


def test_curves_send_each_curve_with_its_parameters(run_page):
    at = run_page("curves", {"act": ["relu", "leaky_relu", "leaky_relu~2"]})
    assert not at.exception
    data = live_elements(at)["chart-curves"]
    meta = metas(at)["chart-curves"]["meta"]
    assert set(meta["state"]) == {"leaky_relu.negative_slope", "leaky_relu~2.negative_slope"}
    relu, leaky, copy = data["curves"]
    assert relu["spec"] is None and relu["params"] == []
    assert leaky["params"] == ["leaky_relu.negative_slope"] and not leaky["copy"]
    assert copy["copy"] and copy["traces"] == [8, 9, 10, 11]  # f, f′, two probe markers
    assert len(arr(data["x"])) == len(arr(metas(at)["chart-curves"]["figure"]["data"][0]["x"]))
