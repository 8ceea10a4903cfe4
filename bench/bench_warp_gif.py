"""Build time, size and dimensions of the Warp page's GIF (the "Download the animation as GIF"
button), from the page's own frames: ``ui.warp_view.animation_gif``.

Cases: 2 000 points (the default) and 20 000 (5 000 animated), one activation or two side by
side, coloured by quadrant or by area change with the |f′| < ε rings on top.

Run: .venv/bin/python bench/bench_warp_gif.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402
from streamlit import logger as streamlit_logger  # noqa: E402

# st.cache_data outside a running app warns, for every cached function, that it has none.
streamlit_logger.set_log_level("error")

from activations import warp  # noqa: E402
from ui import warp_view  # noqa: E402

CASES = [
    (2_000, ("relu",), False),
    (2_000, ("relu", "tanh"), False),
    (2_000, ("relu",), True),
    (20_000, ("relu",), False),
    (20_000, ("relu", "tanh"), True),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"{'points':>7} {'panels':>6} {'colour':>13} {'ms':>6} {'MB':>5} {'frames':>6} size")
    for n, acts, area in CASES:
        setup = warp_view.Setup("square", n, 0, tuple(warp.PRESET_MATRIX.ravel()), (0.1, -0.2))
        sides = tuple(warp_view.Side(act, act, ()) for act in acts)
        colouring = warp_view.Colouring(0.01, area, True)
        warp_view.animation_gif(setup, sides, colouring)  # results and fonts, as in the app
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            data = warp_view.animation_gif(setup, sides, colouring)
            times.append(1e3 * (time.perf_counter() - start))
        with Image.open(io.BytesIO(data)) as image:
            frames, size = image.n_frames, image.size
        colour = "area + rings" if area else "groups+rings"
        print(
            f"{n:>7} {len(acts):>6} {colour:>13} {statistics.median(times):>6.0f} "
            f"{len(data) / 1e6:>5.2f} {frames:>6} {size[0]}×{size[1]}"
        )


if __name__ == "__main__":
    main()
