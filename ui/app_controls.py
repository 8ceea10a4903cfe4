"""The controls every page shares (the sidebar), declared once: the camera button's format and
scale, the colours of exported pictures, the colour palette, the user's own formula and its
parameters' ranges. The language picker is
``ui.shell.language_selector``'s (it takes a code or a shown name from a link)."""

from __future__ import annotations

from activations.formula import DEFAULT_RANGE, MAX_LENGTH, PARAM_NAMES
from charts.theme import PALETTES
from i18n import N_, _
from ui import link

LANG_KEY = "lang"
FORMAT_KEY = "img"
SCALE_KEY = "scale"
PALETTE_KEY = "palette"
IMAGE_THEME_KEY = "imgtheme"
FORMULA_KEY = "fx"
RANGE_LIMIT = 1000.0  # |min|, |max| of a formula parameter's slider


def range_key(param: str, end: str) -> str:
    """The link key of one end ("min" or "max") of formula parameter ``param``'s range."""
    return f"{FORMULA_KEY}.{param}.{end}"


APP_CONTROLS = link.Controls(
    link.Choice(
        key=FORMAT_KEY,
        label=N_("Camera button format"),
        options=("png", "svg"),
        default="png",
        widget="segmented",
    ),
    link.Choice(
        key=SCALE_KEY,
        label=N_("Camera button scale"),
        options=(1, 2, 3, 4),
        default=2,
        widget="select_slider",
        link_text=lambda scale: f"{scale}×",
    ),
    link.Choice(
        key=IMAGE_THEME_KEY,
        label=N_("Exported pictures"),
        options=("light", "screen"),
        default="light",
        widget="segmented",
        shown=lambda o: {"light": _("Light"), "screen": _("As on screen")}[o],
        help=N_("Light suits slides and print; “as on screen” follows the dark theme too."),
    ),
    link.Choice(
        key=PALETTE_KEY,
        label=N_("Colours"),
        options=PALETTES,
        default="registry",
        widget="radio",
        shown=lambda o: {"registry": _("Standard"), "okabe_ito": _("Colour-blind safe")}[o],
        help=N_("Colour-blind safe: the Okabe–Ito palette, in every chart and exported picture."),
    ),
    link.Text(key=FORMULA_KEY, label="f(x) =", max_length=MAX_LENGTH),
    *(
        link.Number(
            key=range_key(param, end),
            label=N_("{p} from") if end == "min" else N_("{p} to"),
            label_args={"p": param},
            lo=-RANGE_LIMIT,
            hi=RANGE_LIMIT,
            default=DEFAULT_RANGE[1] if end == "min" else DEFAULT_RANGE[2],
            widget="input",
        )
        for param in PARAM_NAMES
        for end in ("min", "max")
    ),
)
APP_KEYS = (LANG_KEY, *APP_CONTROLS.keys())
