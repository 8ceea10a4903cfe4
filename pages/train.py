"""Train: watch a small network learn a 2-D dataset, and see why it needs an activation."""

import functools
import itertools
import math
import time
from collections import OrderedDict
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from activations.clouds import DATASET_KINDS, Dataset, make_dataset
from activations.nn import (
    AUTO_INIT,
    MAX_HIDDEN_LAYERS,
    MAX_WIDTH,
    MIN_WIDTH,
    MLP,
    OPTIMIZERS,
    TRAIN_INITS,
    History,
    LayerSpec,
    TrainConfig,
    Trainer,
    informative_units,
    unit_summary,
    xor_by_hand,
)
from activations.warp import compose_linear
from charts import train as charts
from i18n import _
from ui import controls, custom, link, server, shell, urlstate
from ui.export import show_chart
from ui.live_chart import live_chart

server.ensure_entrypoint()

N_MIN, N_MAX = 20, 2000
NOISE_MAX = 0.5
SEED_MAX = 2**31 - 1
EPOCHS_MAX = 5000
LR_OPTIONS = (0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0)
L2_OPTIONS = (0.0, 0.0001, 0.001, 0.01, 0.1)
BATCH_OPTIONS = (8, 16, 32, 64, 128, 256, "full")
ISCALE_MIN, ISCALE_MAX = 0.1, 3.0
# The defaults solve xor, circles and moons for 20 of 20 seeds with relu, leaky_relu, tanh,
# sigmoid, gelu and silu (bench/bench_train_seeds.py): three layers (8, 8, then the 2-unit one
# drawn on the right), the "auto" initialisation fitted to the activation and the data, and a
# learning rate of 0.01. Presets set the network and training part of these too.
NETWORK_DEFAULTS = {
    "n": 200,
    "noise": 0.05,
    "layers": 3,
    "width": 8,
    "neck": True,
    "optimizer": "adam",
    "lr": 0.01,
    "epochs": 300,
    "batch": "full",
    "init": AUTO_INIT,
    "iscale": 1.0,
    "l2": 0.0,
}
DEFAULTS = {"dataset": "xor", "act": "relu", **NETWORK_DEFAULTS}
# Two spirals need more than the defaults, which solve them for about half the seeds (tanh: 40
# of seeds 0-59). This solves 60 of 60 (test accuracy 97 % on average), in about 0.25 s.
SPIRALS = {
    **NETWORK_DEFAULTS,
    "act": "leaky_relu",
    "dataset": "spirals",
    "layers": 4,
    "width": 16,
    "epochs": 1000,
}
AUTO_SECONDS = 1.5  # configurations estimated faster than this train by themselves
# Training time per script run: a longer run goes on in the next rerun, so that no run holds
# the server (its compute slots, a click on Stop, other settings) for more than about 2 s.
TRAIN_SLICE_SECONDS = 1.5
# While training: seconds between redraws of the numbers within a slice, and the points in the
# picture. The charts are redrawn once per slice, in place (keyed components): a browser that
# cannot keep up slows the server down (and delays a click on Stop), so the live view stays
# light, and plain charts replaced across st.rerun() runs would pile up hidden in the page
# (Streamlit clears replaced elements only after a run that ends without a rerun).
LIVE_EVERY, LIVE_POINTS = 0.25, 300
REPLAY_FRAMES = 31  # snapshots in the replay: about 30 kB each on the wire
HIDDEN_POINTS = 600  # points mapped into the hidden space (evenly subsampled beyond this)
MAX_RESULTS = 8  # trained runs kept per session
RESULTS_KEY, SHOWN_KEY = "_train_results", "_train_shown"
TRAIN_KEY, STOP_KEY, PRESET_KEY = "_train_request", "_train_stop", "_train_preset"
ACTIVE_KEY = "_train_active"  # (run key, Trainer) of the run that is training
LAYER_KEYS = ("act", "act2", "act3", "act4")


def _g(value: float) -> str:
    return f"{value:g}"


def number_slider(label: str, options: tuple[float, ...], key: str) -> float:
    """A slider over a few numbers (learning rates, L2 penalties), bound to the URL."""
    return st.select_slider(
        label, options, value=DEFAULTS[key], format_func=_g, key=key, bind="query-params"
    )


shell.header(
    _("Train"),
    _(
        "A small network learns to separate two classes in the plane. Left: what it predicts "
        "everywhere. Right: the same points inside the network, where it has bent the plane "
        "until one straight line separates the classes. Drag the epoch slider or press ▶ Play "
        "to replay the training; it runs in your browser."
    ),
)

names = controls.base_ids()  # the registry, and "custom" when a formula is defined


def layer_slots(chosen: list[str | None]) -> list[str | None]:
    """The parameter slot of each layer's activation; None where a layer follows layer 1.

    The first layer to use an activation owns its plain slot (URL keys "<id>.<param>"); a later
    layer with the same activation gets the copy "<id>~<k>", k its layer number, so the two can
    have different parameters.
    """
    slots: list[str | None] = []
    seen: set[str] = set()
    for k, act in enumerate(chosen, 1):
        if act is None:
            slots.append(None)
            continue
        slots.append(act if act not in seen else f"{act}~{k}")
        seen.add(act)
    return slots


slots_now = layer_slots(
    [controls.picked("act") or DEFAULTS["act"], *map(controls.picked, LAYER_KEYS[1:])]
)
link.Controls().report(
    *[
        urlstate.choice("dataset", DATASET_KINDS),
        urlstate.number("n", N_MIN, N_MAX, integer=True),
        urlstate.number("noise", 0.0, NOISE_MAX),
        urlstate.number("seed", 0, SEED_MAX, integer=True),
        urlstate.number("layers", 1, MAX_HIDDEN_LAYERS, integer=True),
        urlstate.number("width", MIN_WIDTH, MAX_WIDTH, integer=True),
        urlstate.flag("neck"),
        *[urlstate.choice(key, names) for key in LAYER_KEYS],
        urlstate.choice("optimizer", OPTIMIZERS),
        urlstate.choice("lr", [_g(v) for v in LR_OPTIONS]),
        urlstate.number("epochs", 1, EPOCHS_MAX, integer=True),
        urlstate.choice("batch", [str(b) for b in BATCH_OPTIONS]),
        urlstate.choice("init", TRAIN_INITS),
        urlstate.number("iscale", ISCALE_MIN, ISCALE_MAX),
        urlstate.choice("l2", [_g(v) for v in L2_OPTIONS]),
        urlstate.flag("hand"),
        urlstate.number("view", 1, MAX_HIDDEN_LAYERS, integer=True),
        urlstate.number("u1", 1, MAX_WIDTH, integer=True),
        urlstate.number("u2", 1, MAX_WIDTH, integer=True),
        *controls.param_rules([s for s in slots_now if s is not None]),
    ]
)


# --- cached computations (small hashable keys only) ---


@st.cache_data(max_entries=16, show_spinner=False)
def dataset_of(kind: str, n: int, noise: float, seed: int) -> Dataset:
    return make_dataset(kind, n, noise, seed)


@st.cache_data(max_entries=16, show_spinner=False)
def replay_of(
    key: tuple, done: int, layer: int, units: tuple[int, int], _models: list, _points: np.ndarray
) -> list[charts.ReplayFrame]:
    """The replay frames of run ``key`` after ``done`` epochs (the weights come in ``_models``,
    which the key and ``done`` determine: training is deterministic for a config)."""
    lim = charts.plane_limits(_points)
    return charts.replay_frames(_models, _points, xlim=lim, ylim=lim, layer=layer, units=units)


def estimated_seconds(config: TrainConfig, n_train: int) -> float:
    """A rough training time on this server: a fixed cost per optimiser step plus a cost per
    sample and weight (two passes over the training set per epoch)."""
    sizes = [2, *(layer.width for layer in config.hidden), 1]
    weights = sum(a * b for a, b in itertools.pairwise(sizes))
    units = sum(sizes[1:-1])
    batch = config.batch_size or n_train
    steps = math.ceil(n_train / min(batch, n_train))
    per_epoch = (
        1e-4
        + steps * (5e-5 + 4e-5 * len(config.hidden))
        + 2 * n_train * (weights + 10 * units) * 2.5e-9
    )
    return config.epochs * per_epoch


def _results() -> OrderedDict:
    if RESULTS_KEY not in st.session_state:
        st.session_state[RESULTS_KEY] = OrderedDict()
    return st.session_state[RESULTS_KEY]


def _request(flag: str, value: object = True) -> None:
    """Button callback: leave a request in the session for the script to act on.

    Requests survive a rerun that a button's own True value would not (the deep-link guard in
    ``server.ensure_entrypoint`` reruns the first script run of a session, and AppTest's runs).
    """
    st.session_state[flag] = value


def apply_preset() -> None:
    """Carry out a preset button's request before the widgets that show it are created: one
    activation everywhere, a dataset, and a network and training that solve it; the hidden
    view goes back to its automatic choice."""
    preset = st.session_state.pop(PRESET_KEY, None)
    if preset is None:
        return
    for key in (*LAYER_KEYS[1:], "view", "u1", "u2"):
        st.session_state[key] = None
    st.session_state.update(preset, hand=False)


# --- presets and XOR by hand ---

apply_preset()
# One row of widgets as wide as their labels (wrapping when the row is full): fixed columns cut
# longer translations short ("XOR üzerinde Re…").
preset_row = st.container(horizontal=True, vertical_alignment="center", gap="medium")
hand = preset_row.toggle(
    _("XOR by hand"),
    key="hand",
    bind="query-params",
    help=_("Two threshold units with hand-set weights solve XOR exactly: check the truth table."),
)
presets = (
    (
        _("Linear only"),
        {**NETWORK_DEFAULTS, "act": "identity", "dataset": "xor"},
        ":material/straighten:",
        _("Identity activations everywhere, on XOR: the network can only draw a straight line."),
    ),
    (
        _("ReLU on XOR"),
        {**NETWORK_DEFAULTS, "act": "relu", "dataset": "xor"},
        ":material/content_cut:",
        _("ReLU everywhere, on XOR: it carves the plane until a line separates the classes."),
    ),
    (
        _("Spirals"),
        SPIRALS,
        ":material/cyclone:",
        _(
            "Two spirals, with a bigger network: {layers} layers of {width} {act} units, "
            "{epochs} epochs."
        ).format(**SPIRALS),
    ),
)
for label, preset, icon, tip in presets:
    preset_row.button(label, on_click=_request, args=(PRESET_KEY, preset), icon=icon, help=tip)

if hand:
    net = xor_by_hand()
    with st.container(border=True):
        st.subheader(_("XOR by hand"))
        st.markdown(
            _(
                "No single straight line separates XOR's classes. Two threshold units do it: a "
                "hidden unit **h = step(x₁ + x₂ − 1.5)** fires only for (1, 1) (an AND), and the "
                "output **y = step(x₁ + x₂ − 2h − 0.5)** sees the inputs and h. In the plane "
                "(s, h) with s = x₁ + x₂ the inputs (0, 1) and (1, 0) land on the same point, and "
                "one straight line, s − 2h − 0.5 = 0, separates the classes. Training finds "
                "weights like these by itself, with smooth activations instead of steps."
            )
        )
        table_col, fig_col = st.columns([1.4, 3], gap="large")
        truth = charts.hand_table(net)
        shown_truth = pd.DataFrame({name: truth[name] for name in ("x1", "x2", "h", "y")})
        table_col.dataframe(shown_truth, hide_index=True, width="stretch")
        table_col.caption(_("y equals x₁ XOR x₂ on all four inputs."))
        with fig_col:
            show_chart(charts.hand_figure(net), _("xor by hand"), truth, key="train-hand")


# --- controls ---

controls_col, main_col = st.columns([1, 3.5], gap="large")
with controls_col:
    st.markdown(_("**Data**"))
    dataset = controls.id_choice(
        st.selectbox,
        _("Dataset"),
        DATASET_KINDS,
        format_func=controls.shape_label,
        index=DATASET_KINDS.index(DEFAULTS["dataset"]),
        key="dataset",
        bind="query-params",
        help=_("Two classes in the plane; a quarter of the points are held out as a test set."),
    )
    n_col, seed_col = st.columns(2)
    n = controls.whole_number_input(n_col, _("Points"), N_MIN, N_MAX, DEFAULTS["n"], 50, "n")
    seed = controls.whole_number_input(
        seed_col,
        _("Seed"),
        0,
        SEED_MAX,
        0,
        1,
        "seed",
        help=_("Draws the points and the initial weights."),
    )
    noise = st.slider(
        _("Noise"), 0.0, NOISE_MAX, DEFAULTS["noise"], 0.01, key="noise", bind="query-params"
    )

    st.divider()
    st.markdown(_("**Network**"))
    layers = st.slider(
        _("Hidden layers"),
        1,
        MAX_HIDDEN_LAYERS,
        DEFAULTS["layers"],
        key="layers",
        bind="query-params",
    )
    width = st.slider(
        _("Units per layer"),
        MIN_WIDTH,
        MAX_WIDTH,
        DEFAULTS["width"],
        key="width",
        bind="query-params",
    )
    neck = st.toggle(
        _("2-unit last layer"),
        value=DEFAULTS["neck"],
        key="neck",
        bind="query-params",
        help=_(
            "A 2-unit last layer is a plane you can look at: the one where the output draws its "
            "straight line."
        ),
    )
    act = (
        st.selectbox(
            _("Activation"),
            names,
            index=names.index(DEFAULTS["act"]),
            key="act",
            bind="query-params",
            help=_("Used in every hidden layer unless a layer below picks its own."),
        )
        or DEFAULTS["act"]
    )  # an empty link value (?act=) leaves a select without a choice
    chosen: list[str | None] = [act]
    if layers > 1:
        with st.expander(
            _("One activation per layer"), expanded=any(controls.picked(k) for k in LAYER_KEYS[1:])
        ):
            for k in range(2, layers + 1):
                chosen.append(
                    st.selectbox(
                        _("Layer {k}").format(k=k),
                        names,
                        index=None,
                        placeholder=_("as layer 1"),
                        key=LAYER_KEYS[k - 1],
                        bind="query-params",
                    )
                )
    slots = layer_slots(chosen)
    slot_params: dict[str, dict[str, float]] = {}
    for k, slot in enumerate(slots, 1):
        if slot is not None and controls.activation_of(slot).params:
            if layers > 1:
                st.caption(_("Layer {k}: {act}").format(k=k, act=controls.slot_activation(slot)))
            slot_params[slot] = controls.param_sliders(slot)
    acts = [controls.slot_activation(s) if s is not None else act for s in slots]
    params = [slot_params.get(s if s is not None else slots[0], {}) for s in slots]

    st.divider()
    st.markdown(_("**Training**"))
    optimizer = st.segmented_control(
        _("Optimiser"),
        OPTIMIZERS,
        default=DEFAULTS["optimizer"],
        key="optimizer",
        bind="query-params",
        required=True,
    )
    lr = number_slider(_("Learning rate"), LR_OPTIONS, "lr")
    epochs = controls.whole_number_input(
        st, _("Epochs"), 1, EPOCHS_MAX, DEFAULTS["epochs"], 100, "epochs"
    )
    batch = controls.id_choice(
        st.select_slider,
        _("Batch size"),
        BATCH_OPTIONS,
        value=DEFAULTS["batch"],
        format_func=controls.batch_label,
        key="batch",
        bind="query-params",
        help=_("full: one step per epoch on all training points; smaller: mini-batches."),
    )
    with st.expander(_("Initialisation and L2")):
        init = controls.id_choice(
            st.selectbox,
            _("Initialisation"),
            TRAIN_INITS,
            index=TRAIN_INITS.index(DEFAULTS["init"]),
            format_func=controls.init_label,
            key="init",
            bind="query-params",
            help=_(
                "auto: fitted to the activation and the training points, so that every unit "
                "starts bent in the middle of the data, neither dead nor saturated, and the "
                "last layer starts where f′ is largest on every point. The others set the "
                "standard deviation of the initial weights: xavier √(2/(fan_in+fan_out)), "
                "he √(2/fan_in), lecun √(1/fan_in), normal 1. All times the scale below."
            ),
        )
        iscale = st.slider(
            _("Scale"),
            ISCALE_MIN,
            ISCALE_MAX,
            DEFAULTS["iscale"],
            0.1,
            key="iscale",
            bind="query-params",
        )
        l2 = number_slider(_("L2 penalty"), L2_OPTIONS, "l2")

dataset = dataset or DEFAULTS["dataset"]
optimizer = optimizer or DEFAULTS["optimizer"]
init = init or DEFAULTS["init"]
widths = [int(width)] * int(layers)
if neck:
    widths[-1] = 2
# The user's formula goes in as an object, registry entries by id.
act_objects = [controls.activation_of(a) if a == custom.CUSTOM else a for a in acts]
hidden = tuple(LayerSpec(w, a, p) for w, a, p in zip(widths, act_objects, params, strict=True))
config = TrainConfig(
    hidden=hidden,
    init=init,
    init_scale=float(iscale),
    optimizer=optimizer,
    lr=float(lr),
    l2=float(l2),
    batch_size=None if batch == "full" else int(batch),
    epochs=int(epochs),
    seed=int(seed),
)
data_key = (dataset, int(n), float(noise), int(seed))
run_key = (
    data_key,
    tuple(
        (w, a if isinstance(a, str) else ("custom", a.text, a.ranges), tuple(sorted(p.items())))
        for w, a, p in zip(widths, act_objects, params, strict=True)
    ),
    init,
    float(iscale),
    optimizer,
    float(lr),
    float(l2),
    str(batch),
    int(epochs),
)
data = dataset_of(*data_key)
# The network a run starts from (the "auto" init is fitted to the training points); snapshots
# give it their weights.
template = MLP.from_config(config, x=data.x_train)
results = _results()
estimate = estimated_seconds(config, len(data.y_train))


# --- the replay: input plane and hidden space ---

with controls_col:
    st.divider()
    st.markdown(_("**Hidden space**"))
    view = st.selectbox(
        _("Layer shown"),
        list(range(1, int(layers) + 1)),
        index=None,
        placeholder=_("the last ({k})").format(k=int(layers)),
        key="view",
        bind="query-params",
        help=_("The hidden layer whose space is drawn on the right."),
    )
    layer = (view or int(layers)) - 1
    picked_units: tuple[int | None, int | None] = (None, None)  # None: chosen from the network
    if widths[layer] > 2:
        unit_options = list(range(1, widths[layer] + 1))
        picked = [
            col.selectbox(
                label,
                unit_options,
                index=None,
                placeholder=_("auto"),
                key=key,
                bind="query-params",
                help=_(
                    "auto: the two live units that spread the points over the largest area "
                    "(the picture's title names them)."
                ),
            )
            for col, label, key in zip(
                st.columns(2), (_("Unit on x"), _("Unit on y")), ("u1", "u2"), strict=True
            )
        ]
        picked_units = (
            None if picked[0] is None else int(picked[0]) - 1,
            None if picked[1] is None else int(picked[1]) - 1,
        )

points = np.concatenate((data.x_train, data.x_test))
labels = np.concatenate((data.y_train, data.y_test))
is_test = np.arange(len(points)) >= len(data.x_train)
shown_idx = np.array(charts.spread_indices(len(points), HIDDEN_POINTS))
lim = charts.plane_limits(points[shown_idx])
plane = charts.Plane(data.x_train, data.y_train, data.x_test, data.y_test, lim, lim)


def units_of(model: MLP) -> tuple[int, int]:
    """The two units of the shown layer drawn on the right: the user's, else the most
    informative ones of ``model`` (a trained network's own choice, kept over the replay)."""
    if widths[layer] == 2:
        return (0, 1)
    return informative_units(model, data.x_train, layer, picked_units)


def live_figure(epoch: int, model: MLP, units: tuple[int, int]):
    """The network being trained, one frame and fewer points (see LIVE_POINTS)."""
    hidden_title, axes = charts.hidden_labels(layer, acts[layer], widths[layer], units)
    train_idx = charts.spread_indices(len(data.y_train), LIVE_POINTS)
    test_idx = charts.spread_indices(len(data.y_test), LIVE_POINTS // 3)
    small = charts.Plane(
        data.x_train[train_idx],
        data.y_train[train_idx],
        data.x_test[test_idx],
        data.y_test[test_idx],
        lim,
        lim,
    )
    shown = np.array(charts.spread_indices(len(points), LIVE_POINTS))
    frames = charts.replay_frames(
        [(epoch, model)], points[shown], xlim=lim, ylim=lim, layer=layer, units=units
    )
    return charts.replay_figure(
        frames, small, labels[shown], is_test[shown], hidden_title=hidden_title, hidden_axes=axes
    )


# --- training ---


def _metric_values(hist: History) -> dict[str, float]:
    return {
        "train": float(hist.train_acc[-1]),
        "test": float(hist.test_acc[-1]),
        "loss": float(hist.loss[-1]),
        "dead": int(hist.dead_units[-1]),
    }


def show_metrics(cells: list, values: dict[str, float] | None, before: dict | None = None) -> None:
    """Train/test accuracy, loss and dead units in four cells (deltas against ``before``)."""
    total = sum(widths)

    def delta(name: str, scale: float = 100.0, unit: str = " pp") -> str | None:
        if before is None or values is None or not np.isfinite(before[name] - values[name]):
            return None
        d = (values[name] - before[name]) * scale
        return None if abs(d) < 0.05 else f"{d:+.1f}{unit}"

    dash = "—"
    cells[0].metric(
        _("train accuracy"),
        dash if values is None else f"{values['train']:.1%}",
        delta=delta("train"),
    )
    cells[1].metric(
        _("test accuracy"),
        dash if values is None else f"{values['test']:.1%}",
        delta=delta("test"),
        help=_("On the hollow points, which training never sees."),
    )
    cells[2].metric(
        _("loss"),
        dash if values is None else f"{values['loss']:.4g}",
        delta=delta("loss", 1.0, ""),
        delta_color="inverse",
        help=_("Mean binary cross-entropy on the training points (plus the L2 penalty)."),
    )
    cells[3].metric(
        _("dead units"),
        dash if values is None else f"{values['dead']} / {total}",
        help=_(
            "Hidden units whose derivative f′ is 0 on every training point: they pass no "
            "gradient and no longer learn (dying ReLU)."
        ),
    )


class Slots:
    """The main column's placeholders, each made just before its first content, in page order:
    one sent empty well ahead of its chart can hide that chart for a frame in the browser."""

    ORDER = ("progress", "metrics", "replay", "notes", "curves", "grads", "grads_note")

    def __init__(self, status) -> None:
        self.status = status
        self._made: dict[str, Any] = {}
        self._columns: list | None = None

    def __getitem__(self, name: str) -> Any:
        self.make_up_to(name)
        return self._made[name]

    def make_up_to(self, name: str) -> None:
        """Make the placeholders up to ``name`` not made yet, in page order."""
        for other in self.ORDER[: self.ORDER.index(name) + 1]:
            if other not in self._made:
                self._made[other] = self._make(other)

    def _make(self, name: str) -> Any:
        if name == "metrics":
            return [cell.empty() for cell in st.columns(4)]
        if name in ("curves", "grads", "grads_note"):
            if self._columns is None:
                self._columns = st.columns(2, gap="medium")
            return self._columns[name != "curves"].empty()
        return st.empty()


def show_progress(slot, epoch: int) -> None:
    """The progress bar of a run in progress."""
    slot.progress(
        epoch / config.epochs, text=_("Epoch {e} of {n}").format(e=epoch, n=config.epochs)
    )


def keep(key: tuple, trainer: Trainer) -> SimpleNamespace:
    """The run so far as a result (the model of its last snapshot); kept in the session once it
    has trained an epoch, so that a stopped or abandoned run shows what it had learned."""
    hist = trainer.history()
    _epoch, w, b = hist.snapshots[-1]
    kept = SimpleNamespace(
        model=trainer.model.with_weights(w, b),
        history=hist,
        complete=trainer.finished and not hist.stopped,
        seconds=trainer.seconds,
    )
    if not hist.n_epochs:
        results.pop(key, None)
        return kept
    results[key] = kept
    results.move_to_end(key)
    while len(results) > MAX_RESULTS:
        results.popitem(last=False)
    return kept


def current_trainer(clicked: bool, stop: bool) -> Trainer | None:
    """The run of this configuration that trains in this script run, if any.

    Stop, Train and any change of configuration end the active run, keeping its result (as does
    a run that ended in a script run interrupted before it could say so). Train, or a
    configuration estimated under AUTO_SECONDS without a result, starts a fresh one.
    """
    active = st.session_state.get(ACTIVE_KEY)
    if active is not None and (stop or clicked or active[0] != run_key or active[1].finished):
        del st.session_state[ACTIVE_KEY]
        active[1].stop()  # nothing to stop if it has ended
        keep(*active)
        active = None
    if clicked or (active is None and run_key not in results and estimate <= AUTO_SECONDS):
        active = (run_key, Trainer(data, config))
        st.session_state[ACTIVE_KEY] = active
    return None if active is None else active[1]


def draw_live(slot, fig, name: str) -> None:
    """A chart of a run in progress (no export menu), kept mounted from slice to slice."""
    with slot:  # in the placeholder itself: a container would remount the chart now and then
        live_chart(fig, key=f"live-train-{name}", config={"displaylogo": False})


def show_status(slot, run: SimpleNamespace | None) -> None:
    """One line on a result: not trained yet, diverged, stopped, or trained in how long."""
    if run is None:
        slot.info(
            _(
                "This setting takes about {s:.0f} s to train, so it does not start by itself: "
                "press Train. Below: the network before training."
            ).format(s=max(estimate, 1.0)),
            icon=":material/hourglass_empty:",
        )
    elif run.history.diverged:
        slot.warning(
            _(
                "Training diverged at epoch {e} (the loss is no longer a number): lower "
                "the learning rate."
            ).format(e=run.history.n_epochs),
            icon=":material/warning:",
        )
    elif not run.complete:
        slot.warning(
            _(
                "Stopped at epoch {e} of {n}; the pictures show the last snapshot. Press "
                "Train to run it again."
            ).format(e=run.history.n_epochs, n=config.epochs),
            icon=":material/pause:",
        )
    else:
        slot.caption(
            _("Trained {n} epochs in {s:.2f} s.").format(n=run.history.n_epochs, s=run.seconds)
        )


def replay_frames_of(
    run: SimpleNamespace | None, units: tuple[int, int]
) -> list[charts.ReplayFrame]:
    """The replay of a result: input plane and hidden space, one frame per kept snapshot at
    round epochs."""
    if run is None:
        done, models = 0, [(0, template)]
    else:
        snaps = run.history.snapshots
        done = run.history.n_epochs
        models = [
            (snaps[i][0], template.with_weights(snaps[i][1], snaps[i][2]))
            for i in charts.round_epoch_indices([s[0] for s in snaps], REPLAY_FRAMES)
        ]
    return replay_of(run_key, done, layer, units, models, points[shown_idx])


def show_notes(slot, run: SimpleNamespace | None, units: tuple[int, int]) -> None:
    """What the hidden-space picture shows (and which of its units are dead or constant); for
    a linear network, its single line."""
    with slot.container():
        summary = unit_summary(run.model if run is not None else template, data.x_train, layer)
        axes = charts.hidden_labels(layer, acts[layer], widths[layer], units)[1]
        for note in charts.unit_notes(summary, units, axes):
            st.info(note, icon=":material/block:")
        last_layer = layer == len(widths) - 1
        if all(a == "identity" for a in acts):
            st.info(
                _(
                    "Every activation is the identity, so the whole stack is one affine map: "
                    "W₃(W₂(W₁x + b₁) + b₂) + b₃ = W′x + b′. The network computes p = σ(w′·x + b′), "
                    "whose boundary is a single straight line however many layers it has and "
                    "however long it trains. XOR and circles need a bent boundary, so accuracy "
                    "stays near chance. On the right, the grid stays a grid of straight parallel "
                    "lines: linear layers only rotate, stretch and shift the plane."
                ),
                icon=":material/straighten:",
            )
            if run is not None:  # the trained network's single line
                w_total, b_total = compose_linear(
                    [(w.T, b) for w, b in zip(run.model.weights, run.model.biases, strict=True)]
                )
                st.latex(
                    rf"w' = ({w_total[0, 0]:.4g},\ {w_total[0, 1]:.4g}),\quad b' = {b_total[0]:.4g}"
                )
        elif widths[layer] == 2 and last_layer:
            st.caption(
                _(
                    "Right: the last hidden layer. The output unit is only p = σ(w·h + b), so its "
                    "boundary there is the straight black line; the network's layers have bent "
                    "the plane (the grey grid) until that line separates the classes. Mapped back "
                    "to the input plane, the line becomes the curved boundary on the left."
                )
            )
        elif widths[layer] == 2:
            st.caption(
                _(
                    "Right: hidden layer {k}. The boundary here is still curved, because the "
                    "layers after it bend the plane further; only in the last hidden layer is it "
                    "straight."
                ).format(k=layer + 1)
            )
        else:
            st.caption(
                _(
                    "Layer {k} has {w} units, so its space has {w} dimensions: the picture shows "
                    "two of them, and the output's boundary there is a flat {d}-dimensional "
                    "surface that no 2-D view shows as a line. Turn on “2-unit last layer” to see "
                    "it."
                ).format(k=layer + 1, w=widths[layer], d=widths[layer] - 1)
            )


def show_grads(ui: Slots, hist: History, fig, live: bool) -> None:
    """The gradient norms per layer over training, with a caption."""
    names_by_layer = charts.layer_names(acts)
    if live:
        draw_live(ui["grads"], fig, "grads")
    else:
        with ui["grads"].container():
            show_chart(
                fig,
                _("gradient norms"),
                functools.partial(charts.grad_norm_table, hist, names_by_layer),
                key="train-grads",
            )
    ui["grads_note"].caption(
        _(
            "The size of each layer's gradient ‖∂L/∂W‖ during training (log scale). A layer "
            "whose curve sinks far below the others learns slowly (vanishing gradients); a "
            "gap means the gradient was exactly 0."
        )
    )


def figures(run: SimpleNamespace | None, live: bool) -> SimpleNamespace:
    """The charts of a result, built before any is drawn: a placeholder emptied at the start of
    a run and filled only after a figure is built can blink in the browser. ``live``: the one
    picture of a run in progress (see LIVE_POINTS) instead of the replay."""
    hist = run.history if run is not None else None
    units = units_of(run.model if run is not None else template)
    out = SimpleNamespace(live=live, frames=None, curves=None, grads=None, units=units)
    if live:
        out.replay = live_figure(hist.snapshots[-1][0], run.model, units)
    else:
        out.frames = replay_frames_of(run, units)
        hidden_title, axes = charts.hidden_labels(layer, acts[layer], widths[layer], units)
        out.replay = charts.replay_figure(
            out.frames,
            plane,
            labels[shown_idx],
            is_test[shown_idx],
            hidden_title=hidden_title,
            hidden_axes=axes,
        )
    if hist is not None and hist.n_epochs:
        out.curves = charts.training_figure(hist, config.epochs)
        out.grads = charts.grad_norm_figure(hist, charts.layer_names(acts))
    return out


def show(ui: Slots, run: SimpleNamespace | None, figs: SimpleNamespace) -> None:
    """Draw a result (None: no training yet) and its ``figures`` into the page's slots. A live
    run (still training) is drawn light: no status, replay, deltas or export menus."""
    live = figs.live
    hist = run.history if run is not None else None
    values = _metric_values(hist) if hist is not None and hist.n_epochs else None
    if live:
        ui.status.empty()
        show_progress(ui["progress"], hist.n_epochs)
        show_metrics(ui["metrics"], values)
        draw_live(ui["replay"], figs.replay, "replay")
    else:
        ui["progress"].empty()
        # Deltas compare with the last different configuration shown in this session.
        shown = st.session_state.get(SHOWN_KEY)
        before = None
        if shown is not None and values is not None:
            before = shown["values"] if shown["key"] != run_key else shown["before"]
        if values is not None:
            st.session_state[SHOWN_KEY] = {"key": run_key, "values": values, "before": before}
        show_metrics(ui["metrics"], values, before)
        show_status(ui.status, run)
        with ui["replay"].container():
            show_chart(
                figs.replay,
                _("train {dataset} {act}").format(dataset=dataset, act="-".join(acts)),
                functools.partial(charts.replay_table, figs.frames[-1], plane, labels[shown_idx]),
                key="train-replay",
            )
    show_notes(ui["notes"], run, figs.units)
    if values is None:
        ui.make_up_to(Slots.ORDER[-1])  # the places of the charts to come
        return
    if live:
        draw_live(ui["curves"], figs.curves, "curves")
    else:
        with ui["curves"].container():
            show_chart(
                figs.curves,
                _("training curves"),
                functools.partial(charts.training_table, hist),
                key="train-curves",
            )
    show_grads(ui, hist, figs.grads, live)


def train_slice(trainer: Trainer, ui: Slots) -> SimpleNamespace | None:
    """Train the active run for TRAIN_SLICE_SECONDS, redrawing progress and metrics every
    LIVE_EVERY seconds. Returns the result once the run is over, else None."""
    start = time.perf_counter()
    last_draw = start  # the page has just drawn the state at the start

    def callback(epoch: int, hist: History) -> None:
        nonlocal last_draw
        now = time.perf_counter()
        if now - last_draw < LIVE_EVERY:
            return
        last_draw = now
        show_progress(ui["progress"], epoch)
        show_metrics(ui["metrics"], _metric_values(hist))

    trainer.run(callback, callback_every=1, deadline=start + TRAIN_SLICE_SECONDS)
    if not trainer.finished:
        return None
    del st.session_state[ACTIVE_KEY]
    return keep(run_key, trainer)


trainer = current_trainer(
    bool(st.session_state.pop(TRAIN_KEY, False)), bool(st.session_state.pop(STOP_KEY, False))
)
if trainer is not None:
    run = keep(run_key, trainer)
else:
    run = results.get(run_key)
    if run is not None:
        results.move_to_end(run_key)

with main_col:
    network = {"layers": int(layers), "width": int(width), "epochs": int(epochs)}
    if dataset == "spirals" and all(DEFAULTS[k] == v for k, v in network.items()):
        st.info(
            _(
                "Two spirals are harder than the other datasets: this default network often "
                "stops short of them. The Spirals preset above trains a bigger one: {layers} "
                "layers of {width} {act} units, {epochs} epochs."
            ).format(**SPIRALS),
            icon=":material/cyclone:",
        )
    button_cols = st.columns([1, 1, 3], vertical_alignment="center")
    button_cols[0].button(
        _("Train"),
        key="train",
        on_click=_request,
        args=(TRAIN_KEY,),
        type="primary",
        icon=":material/play_arrow:",
        width="stretch",
    )
    button_cols[1].button(
        _("Stop"),
        key="stop",
        on_click=_request,
        args=(STOP_KEY,),
        disabled=trainer is None,
        icon=":material/stop:",
        width="stretch",
        help=_("Stops training and keeps what the network has learned so far."),
    )
    # The page shows the result so far; an active run then trains for one slice, progress and
    # numbers redrawn as it goes, and the next rerun shows how far it got (or, once over, the
    # result). Drawing first keeps the whole page current while the slice runs (Streamlit fades
    # what a run has not redrawn yet), and a run that ends here is shown at once, no rerun.
    figs = figures(run, live=trainer is not None)
    slots = Slots(button_cols[2].empty())
    show(slots, run, figs)

if trainer is not None:
    over = train_slice(trainer, slots)
    if over is None:
        st.rerun()
    show(slots, over, figures(over, live=False))
