"""Train: watch a small network learn a 2-D dataset, and see why it needs an activation."""

import streamlit as st

from i18n import _
from ui import server, shell, train_view

server.ensure_entrypoint()

shell.header(
    _("Train"),
    _(
        "A small network learns to separate classes of points in the plane (built-in datasets "
        "or your own points), or to fit a curve. Classes: on the left what it predicts "
        "everywhere, on the right the same points inside the network, where it has bent the "
        "plane until straight lines separate the classes. A curve: the fit, its slope and its "
        "straight pieces. Drag the epoch slider or press ▶ Play to replay the training; it runs "
        "in your browser."
    ),
)
train_view.report_link()

if train_view.preset_row():  # before the other controls: it applies a preset clicked last run
    train_view.show_hand()

controls_col, main_col = st.columns([1, 3.5], gap="large")
with controls_col:
    chosen = train_view.controls_column()
setting = train_view.prepare(chosen, main_col)
trainer, run = train_view.current_run(setting)

with main_col:
    train_view.show_spirals_note(chosen)
    slots = train_view.buttons(training=trainer is not None)
    # The page shows the result so far; an active run then trains for one slice, progress and
    # numbers redrawn as it goes, and the next rerun shows how far it got (or, once over, the
    # result). Drawing first keeps the whole page current while the slice runs (Streamlit fades
    # what a run has not redrawn yet), and a run that ends here is shown at once, no rerun.
    train_view.show(setting, slots, run, train_view.figures(setting, run, live=trainer is not None))

if trainer is not None:
    over = train_view.train_slice(setting, trainer, slots)
    if over is None:
        st.rerun()
    train_view.show(setting, slots, over, train_view.figures(setting, over, live=False))
