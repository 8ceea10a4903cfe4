"""The Train page's controls, its store of trained runs, and its sections.

The page declares its link-bound controls once (:data:`CONTROLS`), draws them with
:func:`controls_column`, which returns the choices as a :class:`Chosen`, and derives from them
what to train and show (:func:`prepare`, a :class:`Setting`). The controller keeps the
session's trained runs (:class:`Result`), trains the active one in slices of
``TRAIN_SLICE_SECONDS`` (one per script run, so that no run holds the server) and draws a
result into the main column's placeholders (:class:`Slots`).

Functions take what they need as arguments, never the page's globals, and exports are deferred
as ``functools.partial`` of functions outside the page (see :func:`ui.export.show_chart`): a
function defined in a page script would keep that run's namespace alive for the session.
"""

from __future__ import annotations

import functools
import hashlib
import math
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
import streamlit as st

from activations import Activation, export_code, nn, userdata
from activations.clouds import (
    DATASET_KINDS,
    MAX_CLASSES,
    MULTI_CLASS_KINDS,
    REGRESSION_RANGE,
    REGRESSION_TARGETS,
    Dataset,
    make_dataset,
    make_regression,
    regression_target,
)
from activations.formula import FormulaError, parse_formula
from activations.nn import (
    AUTO_INIT,
    MAX_HIDDEN_LAYERS,
    MAX_WIDTH,
    MIN_WIDTH,
    MLP,
    OPTIMIZERS,
    TASKS,
    TRAIN_INITS,
    History,
    LayerSpec,
    TrainConfig,
    Trainer,
    estimated_seconds,
    informative_units,
    unit_summary,
    xor_by_hand,
)
from activations.userdata import DataError, UserData
from activations.warp import compose_linear
from charts import train as charts
from charts.theme import FigureSpec
from i18n import N_, _
from ui import controls, custom, link, urlstate
from ui.export import show_chart
from ui.live_chart import live_chart

LR_OPTIONS = (0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0)
L2_OPTIONS = (0.0, 0.0001, 0.001, 0.01, 0.1)
BATCH_OPTIONS = (8, 16, 32, 64, 128, 256, "full")
LAYER_KEYS = ("act", "act2", "act3", "act4")  # layer 1's activation, then layers 2 to 4's own
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
OWN = "own"  # the dataset of the user's own points
# The user's points: up to userdata.MAX_LINK_POINTS in the link (?pts=), a bigger upload here.
UPLOAD_KEY, UPLOAD_NOTE_KEY = "_train_upload", "_train_upload_note"
UPLOADER_KEY, PAD_KEY, PLACE_KEY = "train-upload", "train-pad", "_train_place"
# Where the user's own points start: three small groups (class 0, 1, 2) to add to.
STARTER_POINTS = (
    "-0.8,-0.6,0;-0.6,-0.9,0;-1,-0.9,0;-0.7,-0.3,0;"
    "0.8,-0.6,1;0.6,-0.9,1;1,-0.8,1;0.9,-0.3,1;"
    "0,0.9,2;0.3,0.7,2;-0.3,0.7,2;0,0.5,2"
)


@dataclass(frozen=True, kw_only=True)
class Position(link.Control):
    """A position 1, 2, ... among the hidden layers or units that the network has when the
    control is drawn (``count`` of them); no choice, the placeholder, is the automatic one.
    The link accepts any whole number from 1 to ``most``."""

    most: int
    placeholder: str

    def rule(self) -> urlstate.Rule:
        return urlstate.number(self.key, 1, self.most, integer=True)

    def show(
        self,
        where: Any = st,
        *,
        count: int = 1,
        placeholder_args: dict[str, Any] | None = None,
        **widget_args: Any,
    ) -> int | None:
        args = {"help": self.shown_help(), **widget_args}
        return where.selectbox(
            self.shown_label(),
            list(range(1, count + 1)),
            index=None,
            placeholder=_(self.placeholder).format(**(placeholder_args or {})),
            key=self.key,
            bind=link.BIND,
            **args,
        )


# Whole numbers: typed in a field (or stepped by ``step``), or on a slider.
_whole_field = functools.partial(link.Number, integer=True, widget="input")
_whole_slider = functools.partial(link.Number, integer=True)
# A row of buttons, and a slider over a few numbers (learning rates, L2 penalties).
_buttons = functools.partial(link.Choice, widget="segmented")
_number_slider = functools.partial(link.Choice, widget="select_slider")

TARGET_NAMES = {
    "sine": N_("sine: sin 2x"),
    "abs": N_("absolute value: |x|"),
    "step": N_("step: 0, then 1"),
    "poly": N_("polynomial: x³/2 − x"),
    "custom": N_("your formula"),
}

UNIT_HELP = N_(
    "auto: the two live units that spread the points over the largest area "
    "(the picture's title names them)."
)

# The page's link: every control, declared once (URL check and widget both come from here).
# The defaults solve xor, circles and moons for 20 of 20 seeds with relu, leaky_relu, tanh,
# sigmoid, gelu and silu (bench/bench_train_seeds.py): three layers (8, 8, then the 2-unit one
# drawn on the right), the "auto" initialisation fitted to the activation and the data, and a
# learning rate of 0.01. Presets set the network and training part of these too.
CONTROLS = link.Controls(
    link.Choice(
        key="task",
        label=N_("Task"),
        options=TASKS,
        default="classify",
        shown=lambda task: _("classify points") if task == "classify" else _("fit a curve"),
        help=N_(
            "Classify: points of 2 to 5 classes in the plane. Fit a curve: a 1-D target y(x) "
            "with noise, fitted by the same networks with a linear output and squared error."
        ),
    ),
    link.Choice(
        key="target",
        label=N_("Target"),
        options=REGRESSION_TARGETS,
        default="sine",
        shown=lambda target: _(TARGET_NAMES[target]),
    ),
    link.Text(
        key="tfx",
        label=N_("Target formula y(x)"),
        default="x*sin(3*x)",
        max_length=200,
        help=N_("Any formula in x, as in the formula box: e.g. exp(-x**2) or where(x > 0, x, 0)."),
    ),
    link.Flag(
        key="hand",
        label=N_("XOR by hand"),
        help=N_(
            "Two threshold units with hand-set weights solve XOR exactly: check the truth table."
        ),
    ),
    link.Choice(
        key="dataset",
        label=N_("Dataset"),
        options=(*DATASET_KINDS, OWN),
        default="xor",
        help=N_(
            "Labelled points in the plane; a quarter of them are held out as a test set. Blobs "
            "and spirals can have up to five classes."
        ),
        shown=lambda kind: _("your own points") if kind == OWN else controls.shape_label(kind),
    ),
    link.Text(
        key="pts",
        label=N_("Your points as text"),
        max_length=2000,
        help=N_(
            "x₁,x₂,class for each point, points separated by semicolons; classes are whole "
            "numbers 0 to 4. Up to 100 points travel in the link."
        ),
    ),
    _whole_slider(
        key="classes",
        label=N_("Classes"),
        lo=2,
        hi=MAX_CLASSES,
        default=2,
        help=N_(
            "More than two classes: the output layer has one unit per class and a softmax "
            "turns them into probabilities."
        ),
    ),
    _whole_field(key="n", label=N_("Points"), lo=20, hi=2000, default=200, step=50),
    link.seed("seed", help=N_("Draws the points and the initial weights.")),
    link.Number(key="noise", label=N_("Noise"), lo=0.0, hi=0.5, default=0.05, step=0.01),
    _whole_slider(key="layers", label=N_("Hidden layers"), lo=1, hi=MAX_HIDDEN_LAYERS, default=3),
    _whole_slider(key="width", label=N_("Units per layer"), lo=MIN_WIDTH, hi=MAX_WIDTH, default=8),
    link.Flag(
        key="neck",
        label=N_("2-unit last layer"),
        default=True,
        help=N_(
            "A 2-unit last layer is a plane you can look at: the one where the output draws its "
            "straight line."
        ),
    ),
    link.Choice(
        key="act",
        label=N_("Activation"),
        options=controls.base_ids,  # the registry, and "custom" when a formula is defined
        default="relu",
        help=N_("Used in every hidden layer unless a layer below picks its own."),
    ),
    *(
        link.Choice(
            key=key,
            label=N_("Layer {k}"),
            label_args={"k": k},
            options=controls.base_ids,
            optional=True,
            placeholder=N_("as layer 1"),
        )
        for k, key in enumerate(LAYER_KEYS[1:], 2)
    ),
    _buttons(key="optimizer", label=N_("Optimiser"), options=OPTIMIZERS, default="adam"),
    _number_slider(key="lr", label=N_("Learning rate"), options=LR_OPTIONS, default=0.01),
    _whole_field(key="epochs", label=N_("Epochs"), lo=1, hi=5000, default=300, step=100),
    link.Choice(
        key="batch",
        label=N_("Batch size"),
        options=BATCH_OPTIONS,
        default="full",
        widget="select_slider",
        shown=controls.batch_label,
        help=N_("full: one step per epoch on all training points; smaller: mini-batches."),
    ),
    link.Choice(
        key="init",
        label=N_("Initialisation"),
        options=TRAIN_INITS,
        default=AUTO_INIT,
        shown=controls.init_label,
        help=N_(
            "auto: fitted to the activation and the training points, so that every unit "
            "starts bent in the middle of the data, neither dead nor saturated, and the "
            "last layer starts where f′ is largest on every point. The others set the "
            "standard deviation of the initial weights: xavier √(2/(fan_in+fan_out)), "
            "he √(2/fan_in), lecun √(1/fan_in), normal 1. All times the scale below."
        ),
    ),
    link.Number(key="iscale", label=N_("Scale"), lo=0.1, hi=3.0, default=1.0, step=0.1),
    _number_slider(key="l2", label=N_("L2 penalty"), options=L2_OPTIONS, default=0.0),
    Position(
        key="view",
        label=N_("Layer shown"),
        most=MAX_HIDDEN_LAYERS,
        placeholder=N_("the last ({k})"),
        help=N_("The hidden layer whose space is drawn on the right."),
    ),
    Position(
        key="u1", label=N_("Unit on x"), most=MAX_WIDTH, placeholder=N_("auto"), help=UNIT_HELP
    ),
    Position(
        key="u2", label=N_("Unit on y"), most=MAX_WIDTH, placeholder=N_("auto"), help=UNIT_HELP
    ),
    page="train",
)

# What a preset sets besides the dataset and the activation (the controls' defaults).
NETWORK_KEYS = (
    "n",
    "noise",
    "layers",
    "width",
    "neck",
    "optimizer",
    "lr",
    "epochs",
    "batch",
    "init",
    "iscale",
    "l2",
)
NETWORK_DEFAULTS = {key: CONTROLS.default(key) for key in NETWORK_KEYS}
# Two spirals need more than the defaults, which solve them for about half the seeds (tanh: 40
# of seeds 0-59). This solves 60 of 60 (test accuracy 97 % on average), in about 0.25 s.
SPIRALS = {
    **NETWORK_DEFAULTS,
    "act": "leaky_relu",
    "dataset": "spirals",
    "classes": 2,
    "layers": 4,
    "width": 16,
    "epochs": 1000,
}
# Three spiral arms and a softmax output with the same network: train accuracy 86-100 %, test
# accuracy 68-96 % for seeds 0-4 (measured): 50 training points per arm are few, and the 2-unit
# last layer must hold three classes apart.
THREE_SPIRALS = {**SPIRALS, "classes": 3}


def network_text(values: dict[str, Any]) -> str:
    """A preset's network in words, computed from its values: "hidden layers 16-16-16-2
    (leaky_relu), 1000 epochs"."""
    widths = layer_widths(values["layers"], values["width"], values["neck"])
    return _("hidden layers {widths} ({act}), {epochs} epochs").format(
        widths="-".join(map(str, widths)), act=values["act"], epochs=values["epochs"]
    )


def layer_slots(chosen: Sequence[str | None]) -> list[str | None]:
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


def report_link() -> None:
    """One warning for the link's bad or unknown values (the activations' parameters too)."""
    first = controls.picked("act") or CONTROLS.default("act")
    slots = layer_slots([first, *map(controls.picked, LAYER_KEYS[1:])])
    CONTROLS.report(*controls.param_rules([s for s in slots if s is not None]))


# --- presets and XOR by hand ---


class Preset(NamedTuple):
    label: str
    values: dict[str, Any]
    icon: str
    tip: str


def presets() -> list[Preset]:
    """The preset buttons: one activation everywhere, a dataset, and a network that solves it."""
    return [
        Preset(
            _("Linear only"),
            {**NETWORK_DEFAULTS, "act": "identity", "dataset": "xor"},
            ":material/straighten:",
            _(
                "Identity activations everywhere, on XOR: the network can only draw a straight "
                "line."
            ),
        ),
        Preset(
            _("ReLU on XOR"),
            {**NETWORK_DEFAULTS, "act": "relu", "dataset": "xor"},
            ":material/content_cut:",
            _("ReLU everywhere, on XOR: it carves the plane until a line separates the classes."),
        ),
        Preset(
            _("Spirals"),
            SPIRALS,
            ":material/cyclone:",
            _("Two spirals, with a bigger network: {network}.").format(
                network=network_text(SPIRALS)
            ),
        ),
        Preset(
            _("Three spirals"),
            THREE_SPIRALS,
            ":material/category:",
            _(
                "Three spiral arms: a softmax output with one unit per class, the same bigger "
                "network: {network}."
            ).format(network=network_text(THREE_SPIRALS)),
        ),
    ]


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


def preset_row() -> bool:
    """The "XOR by hand" toggle and the preset buttons, in one row; whether XOR by hand is on.
    Call it before any other control: it applies a preset asked for in the last run."""
    apply_preset()
    # One row of widgets as wide as their labels (wrapping when the row is full): fixed columns
    # cut longer translations short ("XOR üzerinde Re…").
    row = st.container(horizontal=True, vertical_alignment="center", gap="medium")
    hand = CONTROLS.show("hand", row)
    for preset in presets():
        row.button(
            preset.label,
            on_click=_request,
            args=(PRESET_KEY, preset.values),
            icon=preset.icon,
            help=preset.tip,
        )
    return bool(hand)


def show_hand() -> None:
    """XOR by hand: two threshold units, their truth table and the plane they draw."""
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


# --- the controls column ---


def layer_widths(layers: int, width: int, neck: bool) -> tuple[int, ...]:
    """The hidden layers' widths: ``width`` each, the last one 2 with ``neck``."""
    return (width,) * (layers - 1) + (2 if neck else width,)


@dataclass(frozen=True)
class Chosen:
    """What the controls column chose: the data, the network (an activation object or id and
    its parameters per hidden layer), the training, and the hidden view."""

    dataset: str
    n: int
    seed: int
    noise: float
    layers: int
    width: int
    neck: bool
    acts: tuple[str, ...]  # each hidden layer's activation id
    # The same as training takes them: registry ids, the user's formula as an object.
    functions: tuple[str | Activation, ...]
    params: tuple[dict[str, float], ...]
    optimizer: str
    lr: float
    epochs: int
    batch: int | str
    init: str
    iscale: float
    l2: float
    layer: int  # the hidden layer drawn on the right, 0-based
    units: tuple[int | None, int | None]  # its units the user picked, 0-based; None: auto
    classes: int = 2
    own: UserData | None = field(default=None, compare=False, hash=False)  # dataset "own"
    task: str = "classify"
    target: str = "sine"
    target_text: str = ""  # the formula of the "custom" target

    @property
    def regress(self) -> bool:
        return self.task == "regress"

    @property
    def widths(self) -> tuple[int, ...]:
        return layer_widths(self.layers, self.width, self.neck)

    def config(self) -> TrainConfig:
        hidden = zip(self.widths, self.functions, self.params, strict=True)
        return TrainConfig(
            hidden=tuple(LayerSpec(w, a, p) for w, a, p in hidden),
            init=self.init,
            init_scale=self.iscale,
            optimizer=self.optimizer,
            lr=self.lr,
            l2=self.l2,
            batch_size=None if self.batch == "full" else int(self.batch),
            epochs=self.epochs,
            seed=self.seed,
            classes=self.classes,
            task=self.task,
        )

    def data_key(self) -> tuple:
        if self.regress:
            text = self.target_text if self.target == "custom" else ""
            return ("regress", self.target, text, self.n, self.noise, self.seed)
        if self.dataset == OWN:
            return (OWN, _digest(self.own), self.seed)
        return (self.dataset, self.n, self.noise, self.seed, self.classes)

    def run_key(self) -> tuple:
        """A small hashable key of the run these choices train (the store's key)."""
        layers = tuple(
            (w, a if isinstance(a, str) else ("custom", a.text, a.ranges), tuple(sorted(p.items())))
            for w, a, p in zip(self.widths, self.functions, self.params, strict=True)
        )
        return (
            self.data_key(),
            layers,
            self.init,
            self.iscale,
            self.optimizer,
            self.lr,
            self.l2,
            str(self.batch),
            self.epochs,
        )


def controls_column() -> Chosen:
    """The page's controls, top to bottom, in the current container."""
    st.markdown(_("**Data**"))
    task = CONTROLS.show("task") or CONTROLS.default("task")
    classes, own, target, target_text = 2, None, CONTROLS.default("target"), ""
    dataset = CONTROLS.default("dataset")
    if task == "regress":
        target, target_text = _target_controls()
    else:
        dataset = CONTROLS.show("dataset") or CONTROLS.default("dataset")
    if task != "regress" and dataset in MULTI_CLASS_KINDS:
        classes = int(CONTROLS.show("classes"))
    if task != "regress" and dataset == OWN:
        own = own_points_section()
        classes = own.classes if own is not None else 2
        seed = CONTROLS.show("seed")
        n, noise = CONTROLS.default("n"), CONTROLS.default("noise")
    else:
        n_col, seed_col = st.columns(2)
        n, seed = CONTROLS.show("n", n_col), CONTROLS.show("seed", seed_col)
        noise = CONTROLS.show("noise")

    st.divider()
    st.markdown(_("**Network**"))
    layers, width = int(CONTROLS.show("layers")), int(CONTROLS.show("width"))
    neck = CONTROLS.show("neck")
    acts, params = _layer_activations(layers)

    st.divider()
    st.markdown(_("**Training**"))
    optimizer = CONTROLS.show("optimizer") or CONTROLS.default("optimizer")
    lr = CONTROLS.show("lr")
    epochs = CONTROLS.show("epochs")
    batch = CONTROLS.show("batch")
    with st.expander(_("Initialisation and L2")):
        init = CONTROLS.show("init") or CONTROLS.default("init")
        iscale = CONTROLS.show("iscale")
        l2 = CONTROLS.show("l2")

    layer, units = layers - 1, (None, None)
    if task != "regress":  # a curve has no hidden plane to look at
        st.divider()
        st.markdown(_("**Hidden space**"))
        layer, units = _hidden_view(layers, layer_widths(layers, width, neck))
    return Chosen(
        dataset=dataset,
        n=int(n),
        seed=int(seed),
        noise=float(noise),
        layers=layers,
        width=width,
        neck=bool(neck),
        acts=tuple(acts),
        # The user's formula goes in as an object, registry entries by id.
        functions=tuple(controls.activation_of(a) if a == custom.CUSTOM else a for a in acts),
        params=tuple(params),
        optimizer=optimizer,
        lr=float(lr),
        epochs=int(epochs),
        batch=batch,
        init=init,
        iscale=float(iscale),
        l2=float(l2),
        layer=layer,
        units=units,
        classes=classes,
        own=own,
        task=task,
        target=target,
        target_text=target_text,
    )


def _target_controls() -> tuple[str, str]:
    """The regression target and, for "custom", its formula (checked: a bad one says why and
    the sine is used instead)."""
    target = CONTROLS.show("target") or CONTROLS.default("target")
    if target != "custom":
        return target, ""
    text = CONTROLS.show("tfx") or ""
    try:
        target_function(text)
    except FormulaError as err:
        st.error(
            _("The target formula cannot be used: {why}. The sine is fitted instead.").format(
                why=err.render(_)
            ),
            icon=":material/error:",
        )
        return CONTROLS.default("target"), ""
    return target, text


def target_function(text: str) -> Any:
    """The user's target formula as a function of x (FormulaError if it cannot be parsed)."""
    return parse_formula(text, {}).fn


@st.cache_data(max_entries=16, show_spinner=False)
def regression_of(target: str, text: str, n: int, noise: float, seed: int) -> Dataset | None:
    """The regression data; None when the target is not a finite number on all of [−2, 2]."""
    fn = target_function(text) if target == "custom" else None
    try:
        return make_regression(target, n, noise, seed, fn)
    except ValueError:
        return None


# --- the user's own points ---


def _digest(data: UserData | None) -> str:
    if data is None:
        return ""
    return hashlib.sha1(data.x.tobytes() + data.y.tobytes()).hexdigest()[:16]


def data_message(err: DataError) -> str:
    """What is wrong with a file's or the link's points, in the user's language."""
    d = err.details
    messages = {
        "too_big": lambda: _("The file is {size} kB; files up to {limit} kB are read.").format(
            size=math.ceil(int(d["size"]) / 1024), limit=int(d["limit"]) // 1024
        ),
        "empty": lambda: _("The file is empty: it needs rows of x₁, x₂ and a class."),
        "binary": lambda: _("This is not a text (CSV) file: it holds binary data."),
        "too_many_rows": lambda: _("It has {rows} points; at most {limit} are used.").format(**d),
        "too_few_rows": lambda: _("It has {rows} points; at least {least} are needed.").format(**d),
        "columns": lambda: _(
            "Row {row} has {found} cells; every row needs three: x₁, x₂ and the class."
        ).format(**d),
        "empty_cell": lambda: _("Row {row}, column {column} is empty: it needs a number.").format(
            **d
        ),
        "not_number": lambda: _("Row {row}, column {column}: “{text}” is not a number.").format(
            **d
        ),
        "not_finite": lambda: _(
            "Row {row}, column {column}: “{text}” is not a finite number (NaN or infinity)."
        ).format(**d),
        "label": lambda: _(
            "Row {row}: the class “{text}” is not a whole number from 0 to {most}."
        ).format(**d),
        "one_class": lambda: _(
            "Every point has class {label}: a network needs two classes or more to separate."
        ).format(**d),
        "far": lambda: _("Point {row} lies beyond ±{limit:g}, outside the plane.").format(**d),
    }
    return messages[err.code]() if err.code in messages else str(err)


def _keep_points(data: UserData, source: str) -> None:
    """Make ``data`` the user's points: in the link when small enough, else in the session
    (and the page says the link cannot carry them)."""
    if len(data.y) <= userdata.MAX_LINK_POINTS:
        st.session_state["pts"] = userdata.encode_points(data.x, data.y)
        st.session_state.pop(UPLOAD_KEY, None)
    else:
        st.session_state["pts"] = ""
        st.session_state[UPLOAD_KEY] = (source, data)


def _on_upload() -> None:
    """File uploader callback: read and check the file; a bad one leaves the points as they
    were and leaves its message for the page."""
    file = st.session_state.get(UPLOADER_KEY)
    st.session_state.pop(UPLOAD_NOTE_KEY, None)
    if file is None:
        return
    try:
        if file.size > userdata.MAX_BYTES:  # refused before it is read
            raise DataError("too_big", size=file.size, limit=userdata.MAX_BYTES)
        data = userdata.parse_csv(file.getvalue())
    except DataError as err:
        st.session_state[UPLOAD_NOTE_KEY] = (file.name, data_message(err), False)
        return
    _keep_points(data, file.name)
    if data.scaled is not None:
        (a, b), (c, d) = data.scaled
        st.session_state[UPLOAD_NOTE_KEY] = (
            file.name,
            _(
                "Its values were far from the plane's scale, so each column was rescaled "
                "linearly onto [−1.5, 1.5]: x₁ from [{a:.4g}, {b:.4g}], x₂ from [{c:.4g}, {d:.4g}]."
            ).format(a=a, b=b, c=c, d=d),
            True,
        )


def current_points() -> tuple[UserData | None, str | None]:
    """The user's points (a big upload kept in the session, else the link's), and what is
    wrong with the link's, if anything."""
    upload = st.session_state.get(UPLOAD_KEY)
    # Before its text box is drawn in a session's first run, the link's value is only there.
    if "pts" in st.session_state:
        text = st.session_state["pts"] or ""
    else:
        text = st.query_params.get("pts", "")
    if upload is not None and not text.strip():
        return upload[1], None
    if not text.strip():
        return None, None
    try:
        return userdata.decode_points(text), None
    except DataError as err:
        return None, data_message(err)


def _on_pad() -> None:
    """Click on the drawing pad: a point of the chosen class where the click was."""
    event = st.session_state.get(PAD_KEY) or {}
    picked = (event.get("selection") or {}).get("points") or []
    if not picked:
        return
    x, y = float(picked[-1]["x"]), float(picked[-1]["y"])
    add_point(x, y, int(st.session_state.get(PLACE_KEY) or 0))


def add_point(x: float, y: float, label: int) -> None:
    """Append one point to the user's points (the link's, or a big upload's)."""
    data, _problem = current_points()
    xs = np.zeros((0, 2)) if data is None else data.x
    ys = np.zeros(0, dtype=np.int64) if data is None else data.y
    new = UserData(np.vstack((xs, [[round(x, 2), round(y, 2)]])), np.append(ys, label))
    upload = st.session_state.get(UPLOAD_KEY)
    _keep_points(new, upload[0] if upload is not None else "")


def _clear_points() -> None:
    st.session_state["pts"] = ""
    st.session_state.pop(UPLOAD_KEY, None)
    st.session_state.pop(UPLOAD_NOTE_KEY, None)


def own_points_section() -> UserData | None:
    """Upload a CSV, click points onto a pad with a chosen class, edit them as text: the
    user's points if they can be trained on (4 or more, 2 classes or more), else None."""
    if "pts" not in st.session_state and not st.query_params.get("pts"):
        st.session_state["pts"] = STARTER_POINTS  # something to start from and add to
    st.file_uploader(
        _("Upload a CSV: x₁, x₂, class"),
        type=["csv", "txt"],
        key=UPLOADER_KEY,
        on_change=_on_upload,
        max_upload_size=userdata.MAX_BYTES // (1024 * 1024),  # in MB, checked in the browser
        help=_(
            "Three columns: x₁, x₂ and the class (a whole number 0 to 4); a header row is "
            "optional. Up to {rows} rows and {kb} kB."
        ).format(rows=userdata.MAX_ROWS, kb=userdata.MAX_BYTES // 1024),
    )
    upload_note = st.session_state.get(UPLOAD_NOTE_KEY)
    upload = st.session_state.get(UPLOAD_KEY)
    data, problem = current_points()
    if upload_note is not None:
        name, why, used = upload_note
        if used:
            st.info(f"“{name}”: {why}", icon=":material/info:")
        else:
            st.error(
                _("“{name}” was not used: {why} The points you had are kept.").format(
                    name=name, why=why
                ),
                icon=":material/error:",
            )
    st.radio(
        _("Class of a clicked point"),
        options=list(range(MAX_CLASSES)),
        horizontal=True,
        key=PLACE_KEY,
        format_func=lambda c: f":{charts.CLASS_NAMES[c]}[●] {c}",
    )
    xs = np.zeros((0, 2)) if data is None else data.x
    ys = np.zeros(0, dtype=np.int64) if data is None else data.y
    st.plotly_chart(
        charts.pad_figure(xs, ys),
        key=PAD_KEY,
        on_select=_on_pad,
        selection_mode="points",
        config={"displayModeBar": False},
    )
    st.caption(_("Click the plane to add a point of the chosen class."))
    if upload is not None and not (st.session_state.get("pts") or "").strip():
        st.info(
            _(
                "“{name}” has {n} points: too many for the link, which holds up to {limit}. "
                "They stay in this session; a shared link will not bring them."
            ).format(name=upload[0], n=len(upload[1].y), limit=userdata.MAX_LINK_POINTS),
            icon=":material/link_off:",
        )
    with st.expander(_("Points as text")):
        CONTROLS.show("pts")
    st.button(_("Clear points"), on_click=_clear_points, icon=":material/delete:")
    if problem is not None:
        st.warning(
            _("The points in the link could not be used: {why}").format(why=problem),
            icon=":material/warning:",
        )
    if data is None or len(data.y) < userdata.MIN_ROWS or len(np.unique(data.y)) < 2:
        st.info(
            _("Add at least {least} points of two classes or more to train on them.").format(
                least=userdata.MIN_ROWS
            ),
            icon=":material/touch_app:",
        )
        return None
    return data


def _layer_activations(layers: int) -> tuple[list[str], list[dict[str, float]]]:
    """Layer 1's activation, each further layer's own (in an expander), and the parameter
    sliders of each: the activation id and parameters of every hidden layer."""
    # An empty link value (?act=) leaves a select without a choice.
    act = CONTROLS.show("act") or CONTROLS.default("act")
    chosen: list[str | None] = [act]
    if layers > 1:
        with st.expander(
            _("One activation per layer"), expanded=any(controls.picked(k) for k in LAYER_KEYS[1:])
        ):
            chosen.extend(CONTROLS.show(LAYER_KEYS[k - 1]) for k in range(2, layers + 1))
    slots = layer_slots(chosen)
    slot_params: dict[str, dict[str, float]] = {}
    for k, slot in enumerate(slots, 1):
        if slot is not None and controls.activation_of(slot).params:
            if layers > 1:
                st.caption(_("Layer {k}: {act}").format(k=k, act=controls.slot_activation(slot)))
            slot_params[slot] = controls.param_sliders(slot)
    acts = [controls.slot_activation(s) if s is not None else act for s in slots]
    params = [slot_params.get(s if s is not None else slots[0], {}) for s in slots]
    return acts, params


def _hidden_view(layers: int, widths: Sequence[int]) -> tuple[int, tuple[int | None, int | None]]:
    """The hidden layer drawn on the right (0-based) and, when it has more than 2 units, the
    units the user picked for its axes (0-based; None: chosen from the network)."""
    view = CONTROLS.show("view", count=layers, placeholder_args={"k": layers})
    layer = (view or layers) - 1
    if widths[layer] <= 2:
        return layer, (None, None)
    u1, u2 = (
        CONTROLS.show(key, col, count=widths[layer])
        for col, key in zip(st.columns(2), ("u1", "u2"), strict=True)
    )
    return layer, (None if u1 is None else int(u1) - 1, None if u2 is None else int(u2) - 1)


# --- what the choices train and show ---


@st.cache_data(max_entries=16, show_spinner=False)
def dataset_of(kind: str, n: int, noise: float, seed: int, classes: int = 2) -> Dataset:
    return make_dataset(kind, n, noise, seed, classes=classes)


@dataclass(frozen=True)
class Setting:
    """What the page trains and shows for the choices: the run's config and key, the data, the
    network a run starts from (the "auto" init is fitted to the training points; snapshots give
    it their weights), the estimated training time, and the points of the pictures."""

    chosen: Chosen
    config: TrainConfig
    run_key: tuple
    data: Dataset
    template: MLP
    estimate: float
    points: np.ndarray  # the training points, then the test points
    labels: np.ndarray
    is_test: np.ndarray
    shown: np.ndarray  # the indices of the points mapped into the hidden space
    plane: charts.Plane

    @property
    def layer(self) -> int:
        return self.chosen.layer

    @property
    def widths(self) -> tuple[int, ...]:
        return self.chosen.widths

    @property
    def acts(self) -> tuple[str, ...]:
        return self.chosen.acts


def prepare(chosen: Chosen, where: Any = st) -> Setting:
    """What to train and show for the choices. Without usable own points the page says so
    (in ``where``) and stops here."""
    config = chosen.config()
    if chosen.regress:
        return _prepare_regression(chosen, config, where)
    if chosen.dataset == OWN:
        if chosen.own is None:
            where.info(
                _("Your own points: upload a CSV or click the plane on the left to add some."),
                icon=":material/touch_app:",
            )
            st.stop()
        data = userdata.split(chosen.own, chosen.seed)
    else:
        data = dataset_of(*chosen.data_key())
    points = np.concatenate((data.x_train, data.x_test))
    shown = np.array(charts.spread_indices(len(points), HIDDEN_POINTS))
    lim = charts.plane_limits(points[shown])
    return Setting(
        chosen=chosen,
        config=config,
        run_key=chosen.run_key(),
        data=data,
        template=MLP.from_config(config, x=data.x_train),
        estimate=estimated_seconds(config, len(data.y_train)),
        points=points,
        labels=np.concatenate((data.y_train, data.y_test)),
        is_test=np.arange(len(points)) >= len(data.x_train),
        shown=shown,
        plane=charts.Plane(data.x_train, data.y_train, data.x_test, data.y_test, lim, lim),
    )


FIT_POINTS = 401  # where the fit and its slope are drawn


def _prepare_regression(chosen: Chosen, config: TrainConfig, where: Any) -> Setting:
    data = regression_of(chosen.target, chosen.target_text, *chosen.data_key()[3:])
    if data is None:
        where.error(
            _(
                "The target formula is not a number everywhere on [−2, 2] (e.g. log(x) for x ≤ "
                "0), so there is nothing to fit. Change the formula."
            ),
            icon=":material/error:",
        )
        st.stop()
    points = np.concatenate((data.x_train, data.x_test))
    lim = REGRESSION_RANGE
    return Setting(
        chosen=chosen,
        config=config,
        run_key=chosen.run_key(),
        data=data,
        template=MLP.from_config(config, n_inputs=1, x=data.x_train),
        estimate=estimated_seconds(config, len(data.y_train)),
        points=points,
        labels=np.concatenate((data.y_train, data.y_test)),
        is_test=np.arange(len(points)) >= len(data.x_train),
        shown=np.arange(len(points)),
        plane=charts.Plane(data.x_train, data.y_train, data.x_test, data.y_test, lim, lim),
    )


def fit_xs() -> np.ndarray:
    return np.linspace(*REGRESSION_RANGE, FIT_POINTS)


def is_piecewise_linear(setting: Setting) -> bool:
    """Whether every hidden layer's activation is piecewise linear (the fit is, then)."""
    return all(
        nn.piecewise_linear(f, p)
        for f, p in zip(setting.chosen.functions, setting.chosen.params, strict=True)
    )


@st.cache_data(max_entries=16, show_spinner=False)
def fits_of(key: tuple, done: int, pieces: bool, _models: list) -> list[nn.FitFrame]:
    """The fit frames of regression run ``key`` after ``done`` epochs (see :func:`replay_of`)."""
    return nn.fit_frames(_models, fit_xs(), pieces)


def fit_frames_of(setting: Setting, run: Result | None, live: bool = False) -> list[nn.FitFrame]:
    """The replay of a regression result, one frame per kept snapshot at round epochs (the
    last only while it trains)."""
    template, pieces = setting.template, is_piecewise_linear(setting)
    if run is None:
        return nn.fit_frames([(0, template)], fit_xs(), pieces)
    if live:
        return nn.fit_frames([(run.history.snapshots[-1][0], run.model)], fit_xs(), pieces)
    snaps = run.history.snapshots
    models = [
        (snaps[i][0], template.with_weights(snaps[i][1], snaps[i][2]))
        for i in charts.round_epoch_indices([s[0] for s in snaps], REPLAY_FRAMES)
    ]
    return fits_of(setting.run_key, run.history.n_epochs, pieces, models)


def regression_figure_of(setting: Setting, frames: list[nn.FitFrame]) -> FigureSpec:
    data, chosen = setting.data, setting.chosen
    fn = target_function(chosen.target_text) if chosen.target == "custom" else None
    truth = regression_target(chosen.target, fit_xs(), fn)
    return charts.regression_figure(
        fit_xs(),
        frames,
        data.x_train,
        data.y_train,
        data.x_test,
        data.y_test,
        truth,
        pieces=frames[-1].kinks is not None,
    )


PIECE_WIDTHS, PIECE_DEPTHS = (2, 4, 8, 16), (1, 2, 3, 4)


@st.cache_data(max_entries=16, show_spinner=False)
def piece_growth_of(act: Any, params: tuple) -> np.ndarray:
    return nn.piece_growth(act, dict(params), PIECE_WIDTHS, PIECE_DEPTHS)


def show_regression_notes(setting: Setting, run: Result | None, live: bool = False) -> None:
    """The kinks and linear pieces of a piecewise-linear fit, and how their count grows with
    width and depth (not while training runs); for smooth activations, that the fit is
    smooth."""
    if not is_piecewise_linear(setting):
        st.caption(
            _(
                "Top: the noisy data, the target (dashed) and the network's fit; bottom: the "
                "fit's slope. These activations are smooth, so the fit is a smooth curve with "
                "no kinks. Piecewise-linear activations (ReLU and its family, hard tanh) give "
                "a fit made of straight pieces: try one."
            )
        )
        return
    model = run.model if run is not None else setting.template
    count = nn.linear_pieces(model, *REGRESSION_RANGE).count
    st.caption(
        _(
            "Top: the noisy data, the target (dashed) and the network's fit; bottom: the fit's "
            "slope. Every activation here is piecewise linear, so the fit is too: {n} straight "
            "pieces on [−2, 2], joined at the kinks marked on the curve, where the slope jumps. "
            "Each unit adds kinks where its input crosses its activation's kink; a deeper layer "
            "folds the pieces of the layers before it, so the count can grow much faster with "
            "depth than with width."
        ).format(n=count)
    )
    if live:
        return
    act, params = setting.chosen.functions[0], setting.chosen.params[0]
    counts = piece_growth_of(act, tuple(sorted(params.items())))
    widths = setting.widths
    trained = (len(widths), max(widths), count) if len(set(widths)) == 1 else None
    st.markdown(
        _("**Linear pieces of random {act} networks, by width and depth**").format(
            act=setting.acts[0]
        )
    )
    show_chart(
        charts.pieces_figure(counts, PIECE_WIDTHS, PIECE_DEPTHS, trained),
        _("linear pieces {act}").format(act=setting.acts[0]),
        {
            "depth": np.repeat(PIECE_DEPTHS, len(PIECE_WIDTHS)),
            "width": np.tile(PIECE_WIDTHS, len(PIECE_DEPTHS)),
            "mean pieces": counts.ravel(),
        },
        key="train-pieces",
    )
    st.caption(
        _(
            "The mean number of linear pieces on [−2, 2] of freshly initialised networks (5 "
            "draws each) with 1 to 4 hidden layers of 2 to 16 {act} units. Training moves the "
            "kinks to where the data bends; it seldom reaches the most pieces a network could "
            "make."
        ).format(act=setting.acts[0])
    )


def units_of(setting: Setting, model: MLP) -> tuple[int, int]:
    """The two units of the shown layer drawn on the right: the user's, else the most
    informative ones of ``model`` (a trained network's own choice, kept over the replay)."""
    if setting.widths[setting.layer] == 2 or setting.chosen.regress:
        return (0, 1)
    return informative_units(model, setting.data.x_train, setting.layer, setting.chosen.units)


def hidden_labels(setting: Setting, units: tuple[int, int]) -> tuple[str, tuple[str, str]]:
    """The hidden picture's title and axis titles."""
    layer = setting.layer
    return charts.hidden_labels(layer, setting.acts[layer], setting.widths[layer], units)


@st.cache_data(max_entries=16, show_spinner=False)
def replay_of(
    key: tuple, done: int, layer: int, units: tuple[int, int], _models: list, _points: np.ndarray
) -> list[nn.ReplayFrame]:
    """The replay frames of run ``key`` after ``done`` epochs (the weights come in ``_models``,
    which the key and ``done`` determine: training is deterministic for a config)."""
    lim = charts.plane_limits(_points)
    return nn.replay_frames(_models, _points, xlim=lim, ylim=lim, layer=layer, units=units)


# --- the store of trained runs ---


@dataclass(frozen=True)
class Result:
    """A run as the page shows it: the network of its last snapshot, its history, whether it
    ran to its last epoch, and its training time."""

    model: MLP
    history: History
    complete: bool
    seconds: float


def _results() -> OrderedDict[tuple, Result]:
    if RESULTS_KEY not in st.session_state:
        st.session_state[RESULTS_KEY] = OrderedDict()
    return st.session_state[RESULTS_KEY]


def keep(key: tuple, trainer: Trainer) -> Result:
    """The run so far as a result (the model of its last snapshot); kept in the session once it
    has trained an epoch, so that a stopped or abandoned run shows what it had learned."""
    hist = trainer.history()
    _epoch, w, b = hist.snapshots[-1]
    kept = Result(
        model=trainer.model.with_weights(w, b),
        history=hist,
        complete=trainer.finished and not hist.stopped,
        seconds=trainer.seconds,
    )
    results = _results()
    if not hist.n_epochs:
        results.pop(key, None)
        return kept
    results[key] = kept
    results.move_to_end(key)
    while len(results) > MAX_RESULTS:
        results.popitem(last=False)
    return kept


def _current_trainer(setting: Setting, clicked: bool, stop: bool) -> Trainer | None:
    """The run of this configuration that trains in this script run, if any.

    Stop, Train and any change of configuration end the active run, keeping its result (as does
    a run that ended in a script run interrupted before it could say so). Train, or a
    configuration estimated under AUTO_SECONDS without a result, starts a fresh one.
    """
    run_key = setting.run_key
    active = st.session_state.get(ACTIVE_KEY)
    if active is not None and (stop or clicked or active[0] != run_key or active[1].finished):
        del st.session_state[ACTIVE_KEY]
        active[1].stop()  # nothing to stop if it has ended
        keep(*active)
        active = None
    if clicked or (
        active is None and run_key not in _results() and setting.estimate <= AUTO_SECONDS
    ):
        active = (run_key, Trainer(setting.data, setting.config))
        st.session_state[ACTIVE_KEY] = active
    return None if active is None else active[1]


def current_run(setting: Setting) -> tuple[Trainer | None, Result | None]:
    """The run that trains in this script run (after a click on Train or Stop, if any), and the
    result to show now: that run so far, else the kept result of this configuration."""
    trainer = _current_trainer(
        setting,
        clicked=bool(st.session_state.pop(TRAIN_KEY, False)),
        stop=bool(st.session_state.pop(STOP_KEY, False)),
    )
    if trainer is not None:
        return trainer, keep(setting.run_key, trainer)
    results = _results()
    run = results.get(setting.run_key)
    if run is not None:
        results.move_to_end(setting.run_key)
    return None, run


# --- the main column ---


def show_spirals_note(chosen: Chosen) -> None:
    """Two spirals with the default network: say that the Spirals preset solves them."""
    network = {"layers": chosen.layers, "width": chosen.width, "epochs": chosen.epochs}
    if chosen.dataset == "spirals" and all(CONTROLS.default(k) == v for k, v in network.items()):
        st.info(
            _(
                "Spirals are harder than the other datasets: this default network often "
                "stops short of them. The Spirals presets above train a bigger one: {network}."
            ).format(network=network_text(SPIRALS)),
            icon=":material/cyclone:",
        )


class Slots:
    """The main column's placeholders, each made just before its first content, in page order:
    one sent empty well ahead of its chart can hide that chart for a frame in the browser."""

    ORDER = ("progress", "metrics", "replay", "notes", "curves", "grads", "grads_note", "code")

    def __init__(self, status: Any) -> None:
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


def buttons(training: bool) -> Slots:
    """Train and Stop (enabled while ``training``), and the page's slots: the status line
    beside the buttons, the others below, made as they fill."""
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
        disabled=not training,
        icon=":material/stop:",
        width="stretch",
        help=_("Stops training and keeps what the network has learned so far."),
    )
    return Slots(button_cols[2].empty())


def metric_values(hist: History) -> dict[str, float]:
    return {
        "train": float(hist.train_acc[-1]),
        "test": float(hist.test_acc[-1]),
        "loss": float(hist.loss[-1]),
        "dead": int(hist.dead_units[-1]),
    }


def _delta(
    values: dict[str, float] | None,
    before: dict[str, float] | None,
    name: str,
    scale: float = 100.0,
    unit: str = " pp",
) -> str | None:
    if before is None or values is None or not np.isfinite(before[name] - values[name]):
        return None
    d = (values[name] - before[name]) * scale
    return None if abs(d) < 0.05 else f"{d:+.1f}{unit}"


def show_metrics(
    cells: list,
    values: dict[str, float] | None,
    total_units: int,
    before: dict[str, float] | None = None,
    classes: int = 2,
    task: str = "classify",
) -> None:
    """Train/test accuracy (R² for ``task="regress"``), loss and dead units (of
    ``total_units``) in four cells, with deltas against ``before``; the loss is the
    cross-entropy over ``classes`` classes, or the squared error."""
    dash = "—"
    regress = task == "regress"

    def score(name: str) -> str:
        if values is None or not np.isfinite(values[name]):
            return dash
        return f"{values[name]:.3f}" if regress else f"{values[name]:.1%}"

    scale, unit = (1.0, "") if regress else (100.0, " pp")
    cells[0].metric(
        _("train R²") if regress else _("train accuracy"),
        score("train"),
        delta=_delta(values, before, "train", scale, unit),
        help=_(
            "1 − (squared error)/(variance of y): 1 is a perfect fit, 0 no better than the mean."
        )
        if regress
        else None,
    )
    cells[1].metric(
        _("test R²") if regress else _("test accuracy"),
        score("test"),
        delta=_delta(values, before, "test", scale, unit),
        help=_("On the hollow points, which training never sees."),
    )
    cells[2].metric(
        _("loss"),
        dash if values is None or not np.isfinite(values["loss"]) else f"{values['loss']:.4g}",
        delta=_delta(values, before, "loss", 1.0, ""),
        delta_color="inverse",
        help=_("Mean squared error on the training points (plus the L2 penalty).")
        if regress
        else _("Mean binary cross-entropy on the training points (plus the L2 penalty).")
        if classes == 2
        else _("Mean cross-entropy of the softmax on the training points (plus the L2 penalty)."),
    )
    cells[3].metric(
        _("dead units"),
        dash if values is None else f"{values['dead']} / {total_units}",
        help=_(
            "Hidden units whose derivative f′ is 0 on every training point: they pass no "
            "gradient and no longer learn (dying ReLU)."
        ),
    )


def show_progress(slot: Any, epoch: int, epochs: int) -> None:
    """The progress bar of a run in progress."""
    slot.progress(epoch / epochs, text=_("Epoch {e} of {n}").format(e=epoch, n=epochs))


def draw_live(slot: Any, fig: Any, name: str) -> None:
    """A chart of a run in progress (no export menu), kept mounted from slice to slice."""
    with slot:  # in the placeholder itself: a container would remount the chart now and then
        live_chart(fig, key=f"live-train-{name}", config={"displaylogo": False})


def show_status(
    slot: Any, run: Result | None, estimate: float, epochs: int, undefined: bool = False
) -> None:
    """One line on a result: not trained yet, diverged, stopped, or trained in how long.
    ``undefined``: the untrained network already gives no number (an activation undefined on
    its inputs), which is not divergence and no learning rate fixes."""
    if undefined:
        slot.warning(
            _(
                "The network's output is not a number before any training: an activation is "
                "undefined (NaN) on the inputs it gets, e.g. log(x) or sqrt(x) for x < 0. "
                "Change the formula or pick another activation; a lower learning rate will "
                "not help."
            ),
            icon=":material/error:",
        )
    elif run is None:
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
            ).format(e=run.history.n_epochs, n=epochs),
            icon=":material/pause:",
        )
    else:
        slot.caption(
            _("Trained {n} epochs in {s:.2f} s.").format(n=run.history.n_epochs, s=run.seconds)
        )


def live_figure(
    data: Any,
    epoch: int,
    model: MLP,
    *,
    lim: tuple[float, float],
    layer: int,
    units: tuple[int, int],
    hidden_title: str,
    hidden_axes: tuple[str, str],
    max_points: int,
) -> FigureSpec:
    """The network being trained (``model`` after ``epoch``): one frame of the replay figure,
    light enough to redraw while training runs, with at most ``max_points`` training points and
    a third as many test points of ``data`` (``x_train, y_train, x_test, y_test``) in the input
    plane, and at most ``max_points`` of them all mapped into hidden layer ``layer``."""
    train_idx = charts.spread_indices(len(data.y_train), max_points)
    test_idx = charts.spread_indices(len(data.y_test), max_points // 3)
    small = charts.Plane(
        data.x_train[train_idx],
        data.y_train[train_idx],
        data.x_test[test_idx],
        data.y_test[test_idx],
        lim,
        lim,
    )
    points = np.concatenate((data.x_train, data.x_test))
    labels = np.concatenate((data.y_train, data.y_test))
    is_test = np.arange(len(points)) >= len(data.x_train)
    shown = np.array(charts.spread_indices(len(points), max_points))
    frames = nn.replay_frames(
        [(epoch, model)], points[shown], xlim=lim, ylim=lim, layer=layer, units=units
    )
    return charts.replay_figure(
        frames,
        small,
        labels[shown],
        is_test[shown],
        hidden_title=hidden_title,
        hidden_axes=hidden_axes,
    )


def replay_frames_of(
    setting: Setting, run: Result | None, units: tuple[int, int]
) -> list[nn.ReplayFrame]:
    """The replay of a result: input plane and hidden space, one frame per kept snapshot at
    round epochs."""
    template = setting.template
    if run is None:
        done, models = 0, [(0, template)]
    else:
        snaps = run.history.snapshots
        done = run.history.n_epochs
        models = [
            (snaps[i][0], template.with_weights(snaps[i][1], snaps[i][2]))
            for i in charts.round_epoch_indices([s[0] for s in snaps], REPLAY_FRAMES)
        ]
    points = setting.points[setting.shown]
    return replay_of(setting.run_key, done, setting.layer, units, models, points)


def show_notes(slot: Any, setting: Setting, run: Result | None, units: tuple[int, int]) -> None:
    """What the hidden-space picture shows (and which of its units are dead or constant); for
    a linear network, its single line."""
    layer, widths, acts = setting.layer, setting.widths, setting.acts
    with slot.container():
        model = run.model if run is not None else setting.template
        summary = unit_summary(model, setting.data.x_train, layer)
        axes = hidden_labels(setting, units)[1]
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
        elif widths[layer] == 2 and last_layer and setting.config.classes > 2:
            st.caption(
                _(
                    "Right: the last hidden layer. The output has one unit per class, z_c = "
                    "w_c·h + b_c, and a softmax turns them into probabilities, so the regions "
                    "there are bounded by straight lines (where two classes' z are equal); the "
                    "network's layers have bent the plane until those regions hold the classes."
                )
            )
            st.page_link(
                "pages/softmax.py",
                label=_("What the softmax output layer does: the Softmax page"),
                icon=":material/bar_chart:",
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
        elif not last_layer:
            st.caption(
                _(
                    "Layer {k} has {w} units, so its space has {w} dimensions: the picture shows "
                    "two of them. The layers after it bend the space further, so the output's "
                    "boundary is still curved here."
                ).format(k=layer + 1, w=widths[layer])
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


def show_grads(ui: Slots, acts: Sequence[str], hist: History, fig: Any, live: bool) -> None:
    """The gradient norms per layer over training, with a caption."""
    if live:
        draw_live(ui["grads"], fig, "grads")
    else:
        with ui["grads"].container():
            show_chart(
                fig,
                _("gradient norms"),
                functools.partial(charts.grad_norm_table, hist, charts.layer_names(acts)),
                key="train-grads",
            )
    ui["grads_note"].caption(
        _(
            "The size of each layer's gradient ‖∂L/∂W‖ during training (log scale). A layer "
            "whose curve sinks far below the others learns slowly (vanishing gradients); a "
            "gap means the gradient was exactly 0."
        )
    )


@dataclass(frozen=True)
class Figures:
    """The charts of a result. ``live``: the one light picture of a run in progress instead
    of the replay (``frames`` None)."""

    live: bool
    units: tuple[int, int]
    replay: Any
    frames: list[nn.ReplayFrame] | None = None
    curves: Any = None
    grads: Any = None


def figures(setting: Setting, run: Result | None, live: bool) -> Figures:
    """The charts of a result, built before any is drawn: a placeholder emptied at the start of
    a run and filled only after a figure is built can blink in the browser. ``live``: the one
    picture of a run in progress (see LIVE_POINTS) instead of the replay."""
    hist = run.history if run is not None else None
    units = units_of(setting, run.model if run is not None else setting.template)
    hidden_title, axes = hidden_labels(setting, units)
    frames = None
    if setting.chosen.regress:
        frames = fit_frames_of(setting, run, live)
        replay = regression_figure_of(setting, frames)
    elif live:
        replay = live_figure(
            setting.data,
            hist.snapshots[-1][0],
            run.model,
            lim=setting.plane.xlim,
            layer=setting.layer,
            units=units,
            hidden_title=hidden_title,
            hidden_axes=axes,
            max_points=LIVE_POINTS,
        )
    else:
        frames = replay_frames_of(setting, run, units)
        replay = charts.replay_figure(
            frames,
            setting.plane,
            setting.labels[setting.shown],
            setting.is_test[setting.shown],
            hidden_title=hidden_title,
            hidden_axes=axes,
        )
    curves = grads = None
    if hist is not None and hist.n_epochs:
        curves = charts.training_figure(
            hist, setting.config.epochs, score=_("R²") if setting.chosen.regress else None
        )
        grads = charts.grad_norm_figure(hist, charts.layer_names(setting.acts))
    return Figures(live, units, replay, frames, curves, grads)


def show(setting: Setting, ui: Slots, run: Result | None, figs: Figures) -> None:
    """Draw a result (None: no training yet) and its ``figures`` into the page's slots. A live
    run (still training) is drawn light: no status, replay, deltas or export menus."""
    live = figs.live
    hist = run.history if run is not None else None
    values = metric_values(hist) if hist is not None and hist.n_epochs else None
    total_units = sum(setting.widths)
    if live:
        ui.status.empty()
        show_progress(ui["progress"], hist.n_epochs, setting.config.epochs)
        show_metrics(
            ui["metrics"],
            values,
            total_units,
            classes=setting.config.classes,
            task=setting.config.task,
        )
        draw_live(ui["replay"], figs.replay, "replay")
    else:
        ui["progress"].empty()
        # Deltas compare with the last different configuration shown in this session.
        shown = st.session_state.get(SHOWN_KEY)
        before = None
        if shown is not None and values is not None:
            before = shown["values"] if shown["key"] != setting.run_key else shown["before"]
        if values is not None:
            st.session_state[SHOWN_KEY] = {
                "key": setting.run_key,
                "values": values,
                "before": before,
            }
        show_metrics(
            ui["metrics"],
            values,
            total_units,
            before,
            classes=setting.config.classes,
            task=setting.config.task,
        )
        with np.errstate(all="ignore"):
            start = setting.template.predict_proba(setting.data.x_train)
        undefined = bool(np.isnan(start).any())
        show_status(ui.status, run, setting.estimate, setting.config.epochs, undefined)
        with ui["replay"].container():
            show_chart(
                figs.replay,
                _("train {dataset} {act}").format(
                    dataset=setting.chosen.dataset, act="-".join(setting.acts)
                ),
                functools.partial(charts.regression_table, fit_xs(), figs.frames[-1])
                if setting.chosen.regress
                else functools.partial(
                    charts.replay_table,
                    figs.frames[-1],
                    setting.plane,
                    setting.labels[setting.shown],
                ),
                key="train-replay",
            )
    if setting.chosen.regress:
        with ui["notes"].container():
            show_regression_notes(setting, run, live)
    else:
        show_notes(ui["notes"], setting, run, figs.units)
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
    show_grads(ui, setting.acts, hist, figs.grads, live)
    if live:
        ui["code"].empty()
    else:
        show_code(ui["code"], run.model, setting)


def show_code(slot: Any, model: MLP, setting: Setting) -> None:
    """Downloads of the trained network: a NumPy script, PyTorch code, the weights as JSON
    (each written when its button is clicked)."""
    name = "network-{dataset}-{acts}".format(
        dataset=setting.chosen.dataset, acts="-".join(setting.acts)
    )
    with slot.container():
        st.markdown(_("**Take the network with you**"))
        st.caption(
            _(
                "The trained network as code: a Python script that needs only NumPy "
                "(predict(x) gives the fit at the points x), the same network as PyTorch code "
                "(an nn.Sequential with these weights; each activation a small module written "
                "from its formula), and the weights as JSON."
            )
            if setting.chosen.regress
            else _(
                "The trained network as code: a Python script that needs only NumPy "
                "(predict_proba(x) gives the class probabilities of points x), the same network "
                "as PyTorch code (an nn.Sequential with these weights; each activation a small "
                "module written from its formula), and the weights as JSON."
            )
        )
        row = st.container(horizontal=True, gap="small")
        downloads = (
            (_("NumPy script"), export_code.numpy_script, ".py", "text/x-python", "code", "numpy"),
            (_("PyTorch code"), export_code.torch_code, "-torch.py", "text/x-python",
             "deployed_code", "torch"),
            (_("Weights (JSON)"), export_code.weights_json, ".json", "application/json",
             "data_object", "json"),
        )  # fmt: skip
        for label, write, suffix, mime, icon, key in downloads:
            row.download_button(
                label,
                functools.partial(write, model),
                file_name=f"{name}{suffix}",
                mime=mime,
                on_click="ignore",
                icon=f":material/{icon}:",
                key=f"train-code-{key}",
            )


def train_slice(setting: Setting, trainer: Trainer, ui: Slots) -> Result | None:
    """Train the active run for TRAIN_SLICE_SECONDS, redrawing progress and metrics every
    LIVE_EVERY seconds. Returns the result once the run is over, else None."""
    start = time.perf_counter()
    last_draw = start  # the page has just drawn the state at the start
    epochs, total_units = setting.config.epochs, sum(setting.widths)
    classes, task = setting.config.classes, setting.config.task

    def callback(epoch: int, hist: History) -> None:
        nonlocal last_draw
        now = time.perf_counter()
        if now - last_draw < LIVE_EVERY:
            return
        last_draw = now
        show_progress(ui["progress"], epoch, epochs)
        show_metrics(ui["metrics"], metric_values(hist), total_units, classes=classes, task=task)

    trainer.run(callback, callback_every=1, deadline=start + TRAIN_SLICE_SECONDS)
    if not trainer.finished:
        return None
    del st.session_state[ACTIVE_KEY]
    return keep(setting.run_key, trainer)
