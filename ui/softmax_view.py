"""The Softmax page's controls and sections: logits to probabilities, two classes, softmax as
a map, and maxout."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

import activations
from activations.clouds import CLOUD_KINDS, QUADRANT_NAMES, make_cloud
from activations.softmax_maps import (
    MAX_LOGITS,
    MAX_TEXT,
    LogitsError,
    maxout_envelope,
    parse_logits,
    random_maxout,
    two_class_softmax,
)
from charts import softmax as charts
from i18n import N_, _
from ui import controls, link
from ui.export import show_chart

DEFAULT_LOGITS = "1, 5, 2, 0, 6, 7"
T_MIN, T_MAX = 0.1, 10.0
SPREAD_MIN, SPREAD_MAX = 0.5, 6.0
CLOUD_POINTS = 1500
K_MAX = 8
MAXOUT_RANGE = (-3.0, 3.0)


# The page's link: every control, declared once (URL check and widget both come from here).
CONTROLS = link.Controls(
    link.Text(
        key="z",
        label=N_("Logits z (up to {n} numbers, separated by commas)"),
        label_args={"n": MAX_LOGITS},
        default=DEFAULT_LOGITS,
        max_length=MAX_TEXT,
    ),
    link.Number(
        key="t",
        label=N_("Temperature T"),
        lo=T_MIN,
        hi=T_MAX,
        default=1.0,
        step=0.1,
        help=N_("Small T sharpens the distribution towards the argmax; large T flattens it."),
    ),
    link.Choice(
        key="cloud",
        label=N_("Point cloud"),
        options=CLOUD_KINDS,
        default=CLOUD_KINDS[0],
        shown=controls.shape_label,
    ),
    link.Number(
        key="spread",
        label=N_("Spread of the logits"),
        lo=SPREAD_MIN,
        hi=SPREAD_MAX,
        default=3.0,
        step=0.5,
    ),
    link.Number(key="k", label=N_("Pieces k"), lo=1, hi=K_MAX, default=3, integer=True),
    link.seed("mseed"),
    link.Choice(
        key="mcloud",
        label=N_("Point cloud to warp"),
        options=CLOUD_KINDS,
        default=CLOUD_KINDS[2],
        shown=controls.shape_label,
    ),
    page="softmax",
)


def _section(title: str, text: str) -> None:
    """A section's heading and explanation."""
    st.subheader(title)
    st.markdown(text)


def _problem(error: LogitsError) -> str:
    """The reason a logit list was rejected, in the user's language."""
    if error.reason == "empty":
        return _("no numbers were given.")
    if error.reason == "length":
        return _("more than {n} characters.").format(n=MAX_TEXT)
    if error.reason == "count":
        return _("more than {n} values.").format(n=MAX_LOGITS)
    if error.reason == "finite":
        return _("'{token}' is not a finite number.").format(token=error.token[:20])
    return _("'{token}' is not a number.").format(token=error.token[:20])


def logits_section() -> tuple[np.ndarray, float]:
    """1 · The user's logits and temperature, their probabilities and Jacobian; returns
    (logits, temperature) for the sections below."""

    st.subheader(_("1 · From logits to probabilities"))
    text_col, t_col = st.columns([2, 1], gap="large")
    text = CONTROLS.show("z", text_col)
    temperature = CONTROLS.show("t", t_col)
    try:
        logits = parse_logits(text or "")
    except LogitsError as error:
        # A link's over-long text has been reported by urlstate.report already: one message.
        if not (error.reason == "length" and text == st.query_params.get("z")):
            st.warning(
                _(
                    "Could not use these logits: {problem} Showing the default {default} instead."
                ).format(problem=_problem(error), default=DEFAULT_LOGITS),
                icon="⚠️",
            )
        logits = parse_logits(DEFAULT_LOGITS)
    temperature = float(temperature)
    probs = activations.softmax(logits, temperature=temperature)
    log_probs = activations.log_softmax(logits, temperature=temperature)
    jacobian = activations.softmax_jacobian(logits, temperature=temperature)
    top = int(np.argmax(probs))
    names = charts.logit_labels(len(logits))

    metric_cols = st.columns(4)
    metric_cols[0].metric(
        _("Sum of the probabilities"),
        f"{probs.sum():.15g}",
        help=_("Exactly 1 up to rounding (about 1e-16)."),
    )
    metric_cols[1].metric(
        "argmax", f"{names[top]} (z = {logits[top]:g})", help=_("The largest logit wins.")
    )
    metric_cols[2].metric(_("Its probability"), f"{probs[top]:.6f}")
    entropy = float(-np.sum(probs * np.where(probs > 0, log_probs, 0.0)))
    metric_cols[3].metric(
        _("Entropy (nats)"),
        f"{entropy:.4f}",
        help=_("0 when one class is certain; log n = {max:.4f} when all are equal.").format(
            max=np.log(len(logits))
        ),
    )

    bars_col, jac_col = st.columns([5, 4], gap="medium")
    with bars_col:
        show_chart(
            charts.probabilities_figure(logits, probs, log_probs, temperature=temperature),
            _("softmax probabilities"),
            {"logit": logits, "softmax": probs, "log_softmax": log_probs},
            key="probs",
        )
    with jac_col:
        show_chart(
            charts.jacobian_figure(jacobian),
            _("softmax Jacobian"),
            lambda: {f"d p / d {name}": jacobian[:, j] for j, name in enumerate(names)},
            key="jacobian",
        )
    st.caption(
        _(
            "Adding the same number to every logit changes nothing (only differences matter). "
            "The Jacobian's rows sum to 0: raising one probability lowers the others. Its diagonal "
            "pᵢ(1 − pᵢ)/T is largest for uncertain classes."
        )
    )
    st.dataframe(
        pd.DataFrame(
            {"i": np.arange(1, len(logits) + 1), "z": logits, "p": probs, "log p": log_probs}
        ),
        hide_index=True,
        width="stretch",
        column_config={
            "z": st.column_config.NumberColumn(format="%g"),
            "p": st.column_config.NumberColumn(format="%.6g"),
            "log p": st.column_config.NumberColumn(format="%.6g"),
        },
    )

    return logits, temperature


def two_class_section(temperature: float) -> None:
    """2 · With two logits (z, 0), softmax is the sigmoid of z/T."""
    _section(
        _("2 · Two classes: softmax is the sigmoid"),
        _(
            "With two logits (z, 0) the first probability is the sigmoid of z/T, so a binary "
            "classifier with a sigmoid output is a two-class softmax:"
        ),
    )
    st.latex(
        r"\operatorname{softmax}(z, 0)_1 = \frac{e^{z/T}}{e^{z/T} + e^{0}} "
        r"= \frac{1}{1 + e^{-z/T}} = \sigma(z/T)"
    )
    z = np.linspace(-10.0, 10.0, 801)
    pairs = np.stack((two_class_softmax(z, temperature), two_class_softmax(-z, temperature)), 1)
    sigmoid = activations.get("sigmoid")
    sigmoids = np.stack((sigmoid.fn(z / temperature), sigmoid.fn(-z / temperature)), 1)
    show_chart(
        charts.two_class_figure(z, pairs, sigmoids, temperature=temperature),
        _("two-class softmax and sigmoid"),
        {"z": z, "softmax(z,0)_1": pairs[:, 0], "sigmoid(z/T)": sigmoids[:, 0]},
        key="two-class",
    )
    st.caption(
        _("Largest difference between the curves: {diff:.1e} (rounding).").format(
            diff=float(np.max(np.abs(pairs - sigmoids)))
        )
    )


def map_section(logits: np.ndarray, temperature: float) -> None:
    """3 · Softmax as a map of the plane onto the segment, and of space onto the triangle."""
    _section(
        _("3 · Softmax as a map"),
        _(
            "Softmax sends every point of the plane (z₁, z₂) onto the segment p₁ + p₂ = 1, and "
            "every point of space (z₁, z₂, z₃) into the triangle of probability triples. Whole "
            "lines z₁ − z₂ = c land on one point: only differences of logits matter."
        ),
    )
    cloud_kind, spread = CONTROLS.show_each(("cloud", "spread"), st.columns([1, 1, 2])[:2])
    cloud = make_cloud(cloud_kind, CLOUD_POINTS, seed=0)
    plane = np.asarray(cloud.points) * float(spread)
    plane_probs = activations.softmax(plane, temperature=temperature)
    show_chart(
        charts.segment_figure(plane, plane_probs, temperature=temperature),
        _("softmax maps the plane onto a segment"),
        lambda: {"z1": plane[:, 0], "z2": plane[:, 1], "p1": plane_probs[:, 0]},
        key="segment",
    )
    st.caption(
        _(
            "Colour is p₁. Every dotted line z₁ − z₂ = c lands on a single point of the segment, "
            "p₁ = σ(c/T): the map forgets everything but the difference."
        )
    )

    space = np.random.default_rng(0).normal(0.0, float(spread) / 1.5, (CLOUD_POINTS, 3))
    space_probs = activations.softmax(space, temperature=temperature)
    triple = logits[:3] if len(logits) >= 3 else np.pad(logits, (0, 3 - len(logits)))
    triple_probs = activations.softmax(triple, temperature=temperature)
    t_path = np.geomspace(T_MIN, T_MAX, 80)
    path = activations.softmax(triple[None, :] / t_path[:, None])
    triple_text = "(" + ", ".join(f"{v:g}" for v in triple) + ")"
    tri_col, text_col = st.columns([3, 2], gap="large")
    with tri_col:
        show_chart(
            charts.simplex_figure(
                space_probs,
                highlight=triple_probs,
                highlight_label=_("(z₁, z₂, z₃) = {z}").format(z=triple_text),
                path=path,
            ),
            _("softmax maps space onto a triangle"),
            lambda: {f"p{i + 1}": space_probs[:, i] for i in range(3)},
            key="simplex",
        )
    with text_col:
        st.markdown(
            _(
                "**Three logits.** Each corner of the triangle is a certain class, the centre "
                "(⅓, ⅓, ⅓) is complete doubt. The cloud is {n} random logit triples; the star is "
                "your first three logits {z}, and the black line shows where they go as T runs "
                "from 0.1 (the argmax corner) to 10 (towards the centre)."
            ).format(n=CLOUD_POINTS, z=triple_text)
        )
        # One line, not three metrics: their large digits did not fit this column below ~1400 px.
        st.markdown(" · ".join(f"p{'₁₂₃'[i]} = **{triple_probs[i]:.4f}**" for i in range(3)))


@st.fragment
def maxout_section() -> None:
    _section(
        _("4 · Maxout: the maximum of k affine pieces"),
        _(
            "A maxout unit computes max(a₁x + b₁, …, aₖx + bₖ) and learns the pieces, so it "
            "learns its own convex piecewise-linear activation: max(x, 0) is ReLU, "
            "max(x, 0.01x) is leaky ReLU. It cannot die, at the cost of k times the weights."
        ),
    )
    k, seed, kind = CONTROLS.show_each(("k", "mseed", "mcloud"), st.columns([1, 1, 2]))
    w, b = random_maxout(int(k), 1, seed=int(seed))
    xv, yv, _pieces = maxout_envelope(w[:, 0], b, *MAXOUT_RANGE)
    w2, b2 = random_maxout(int(k), 2, 2, seed=int(seed))
    warp_cloud = make_cloud(kind, CLOUD_POINTS, seed=0)
    mapped = activations.maxout(warp_cloud.points, w2, b2)
    groups = (
        [_("class {k}").format(k=c) for c in (0, 1)]
        if warp_cloud.two_class
        else list(QUADRANT_NAMES)
    )
    curve_col, warp_col = st.columns([2, 3], gap="medium")
    with curve_col:
        show_chart(
            charts.maxout_curve_figure(w[:, 0], b, xv, yv),
            _("maxout pieces"),
            {"kink_x": xv, "kink_f": yv, "slope": w[:, 0], "intercept": b},
            key="maxout-curve",
        )
    with warp_col:
        show_chart(
            charts.maxout_warp_figure(warp_cloud.points, mapped, warp_cloud.labels, groups),
            _("maxout warp"),
            lambda: {
                "x1": warp_cloud.points[:, 0],
                "x2": warp_cloud.points[:, 1],
                "y1": mapped[:, 0],
                "y2": mapped[:, 1],
            },
            key="maxout-warp",
        )
    kinks = len(xv) - 2  # the vertices between the range's two ends
    left = (
        _("Left: no kink inside [−3, 3]: one piece is the largest everywhere.")
        if kinks == 0
        else _("Left: one kink inside [−3, 3], the inner dot (the outer two close the range).")
        if kinks == 1
        else _(
            "Left: {kinks} kinks inside [−3, 3], the inner dots (the outer two close the range)."
        ).format(kinks=kinks)
    )
    st.caption(
        left
        + " "
        + _(
            "Right: two maxout units with k pieces each map the plane to the plane; each output "
            "is convex, so the cloud folds along up to k − 1 lines per unit."
        )
    )
