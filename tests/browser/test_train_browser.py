"""The Train page in a real browser: Train and Stop, the metrics they update, the replay slider
that scrubs in the browser, a long run trained over several script runs, and a clean console."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time

import numpy as np
from browserkit import IDLE, settle, wait_idle

# Estimated just over the page's automatic-training budget (so it waits for Train), yet it
# trains in about two seconds: 1500 epochs of 2-8-8-2-1 on 1500 points, full batch.
SMALL = "/train?n=2000&epochs=1500"
# Long enough to press Stop in the middle (half a minute or more: twenty or more script runs
# with 1.5 s of training each): mini-batches on a wider network.
LONG = "/train?n=2000&epochs=5000&width=16&neck=false&batch=16"
METRIC = "[data-testid='stMetricValue']"
# The replay slider's current value ("epoch 300"), drawn by Plotly above the slider.
SLIDER_VALUE = "document.querySelector('.js-plotly-plot .slider-group > .slider-label').textContent"


# Labels Streamlit shortened with an ellipsis ("Son katman 2 bir…"): the element that clips
# them has text-overflow: ellipsis and more content than width.
CUT_LABELS = """() => [...document.querySelectorAll("[data-testid='stMain'] *")]
    .filter(e => getComputedStyle(e).textOverflow === 'ellipsis'
                 && e.scrollWidth > e.clientWidth + 1)
    .map(e => e.textContent.trim())"""


def metric_texts(page) -> list[str]:
    return [t.strip() for t in page.locator(f"[data-testid='stMain'] {METRIC}").all_inner_texts()]


def open_page(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector(".js-plotly-plot", timeout=60_000)
    page.wait_for_selector(IDLE, timeout=60_000)
    wait_idle(page)


def test_train_updates_the_metrics_and_the_replay_scrubs_in_the_browser(page, app_url):
    open_page(page, app_url + SMALL)
    assert metric_texts(page) == ["—"] * 4
    assert "press Train" in page.locator("[data-testid='stAlert']").first.inner_text()

    page.get_by_role("button", name="Train").click()
    page.wait_for_function(
        """(sel) => {
            const v = document.querySelector("[data-testid='stMain'] " + sel);
            return v && v.innerText.trim().endsWith('%');
        }""",
        arg=METRIC,
        timeout=60_000,
    )
    wait_idle(page, timeout=60_000)
    page.wait_for_selector("text=Trained 1500 epochs", timeout=30_000)
    train_acc, test_acc, loss, dead = metric_texts(page)
    assert re.fullmatch(r"\d{1,3}\.\d%", train_acc) and re.fullmatch(r"\d{1,3}\.\d%", test_acc)
    assert float(train_acc[:-1]) > 50.0 and float(loss) > 0.0
    assert dead.endswith("/ 18")
    # The link still holds the view (whole numbers stay whole in the address bar).
    assert re.search(r"[?&]n=2000(&|$)", page.url) and re.search(r"[?&]epochs=1500(&|$)", page.url)

    # The replay: Plotly frames, so the slider scrubs without a server round trip.
    replay = "document.querySelector('.js-plotly-plot')"
    frames = page.evaluate(f"() => {replay}._transitionData._frames.length")
    assert frames > 20
    last_z = page.evaluate(f"() => JSON.stringify({replay}._fullData[0].z)")
    rail = page.locator(".js-plotly-plot .slider-rail-touch-rect").first
    rail.scroll_into_view_if_needed()  # the toolbar band above the chart pushes it down
    box = rail.bounding_box()
    page.mouse.click(box["x"] + 2, box["y"] + box["height"] / 2)  # the first step: epoch 0
    page.wait_for_function(f"() => {SLIDER_VALUE} === 'epoch 0'", timeout=10_000)
    page.wait_for_function(
        f"(z) => JSON.stringify({replay}._fullData[0].z) !== z", arg=last_z, timeout=10_000
    )
    assert page.locator(IDLE).count() == 1  # no rerun: the browser did it alone

    assert page.console.errors() == []


def test_stop_keeps_what_the_network_has_learned(page, app_url):
    open_page(page, app_url + LONG)
    page.get_by_role("button", name="Train").click()
    bar = page.locator("[data-testid='stMain'] [data-testid='stProgress']")
    stop = page.get_by_role("button", name="Stop")
    bar.wait_for(timeout=60_000)
    # Over several script runs (slices) the progress bar stays and Stop stays enabled.
    seen: list[tuple[int, bool, str]] = []
    end = time.monotonic() + 4.0
    while time.monotonic() < end:
        texts = bar.all_inner_texts()
        seen.append((len(texts), stop.is_enabled(), texts[0] if texts else ""))
        page.wait_for_timeout(50)
    assert all(count == 1 and enabled for count, enabled, _text in seen), seen
    epochs = [int(m[1]) for *_, text in seen if (m := re.search(r"Epoch (\d+) of 5000", text))]
    assert epochs == sorted(epochs) and epochs[-1] > epochs[0] > 0

    stop.click()
    page.wait_for_selector("text=/Stopped at epoch \\d+ of 5000/", timeout=60_000)
    wait_idle(page, timeout=60_000)
    assert bar.count() == 0 and not stop.is_enabled()
    values = metric_texts(page)
    assert values[0].endswith("%") and values[3].endswith("/ 48")  # 3 layers of 16
    # The replay holds the epochs trained before the stop.
    stopped_at = int(re.search(r"Stopped at epoch (\d+)", page.inner_text("body"))[1])
    # Within a slice or two of the click, far from the end of the run.
    assert epochs[-1] <= stopped_at < min(epochs[-1] + 1500, 5000)
    label = page.evaluate(f"() => {SLIDER_VALUE}")
    assert int(label.split()[-1]) <= stopped_at
    # Nothing trains on after the stop.
    page.wait_for_timeout(2000)
    assert int(re.search(r"Stopped at epoch (\d+)", page.inner_text("body"))[1]) == stopped_at
    assert page.console.errors() == []


def test_no_label_is_cut_short_in_any_language(page, app_url):
    # Turkish cut "2-unit last layer" and the "ReLU on XOR" preset short; the unit pickers of
    # a wide layer (view=1) are shown too.
    for lang in ("en", "tr", "zh_Hant", "zh_Hans"):
        open_page(page, f"{app_url}/train?lang={lang}&view=1")
        assert page.locator("[data-testid='stMain'] button").count() >= 5  # presets, Train, Stop
        assert page.evaluate(CUT_LABELS) == [], lang
    assert page.console.errors() == []


def three_class_csv(rows: int = 60) -> bytes:
    """Three blobs, with a header: class 0 at the left, 1 at the right, 2 at the top."""
    rng = np.random.default_rng(0)
    centres = np.array([[-1.0, -0.6], [1.0, -0.6], [0.0, 1.0]])
    lines = ["x1,x2,label"]
    for k in range(rows):
        x, y = centres[k % 3] + rng.normal(0.0, 0.25, 2)
        lines.append(f"{x:.3f},{y:.3f},{k % 3}")
    return ("\n".join(lines) + "\n").encode()


def test_upload_three_classes_train_and_download_the_code(page, app_url, tmp_path):
    open_page(page, app_url + "/train?dataset=own&epochs=200")
    upload = page.locator("[data-testid='stFileUploader'] input[type=file]")
    # A bad file first: its message, and the points shown before stay (the starter set).
    upload.set_input_files(
        files=[{"name": "bad.csv", "mimeType": "text/csv", "buffer": b"1,2\n3,4,5\n"}]
    )
    page.wait_for_selector("text=/“bad.csv” was not used/", timeout=30_000)
    settle(page)
    assert "pts=" not in page.url  # the starter points, which a link without pts= gets too
    assert metric_texts(page)[0].endswith("%")  # still trained on them
    # The three-class file: into the link (60 points), trained by itself.
    upload.set_input_files(
        files=[{"name": "three.csv", "mimeType": "text/csv", "buffer": three_class_csv()}]
    )
    page.wait_for_function("() => location.search.includes('pts=')", timeout=30_000)
    page.wait_for_selector("text=Trained 200 epochs", timeout=60_000)
    settle(page, timeout=60_000)
    assert page.url.count("%3B") == 59  # 60 points, separated by semicolons
    assert "the most probable of 3 classes" in page.inner_text("[data-testid='stMain']")
    assert float(metric_texts(page)[0].rstrip("%")) > 90.0

    with page.expect_download() as download:
        page.get_by_role("button", name="NumPy script").click()
    script = tmp_path / "net.py"
    download.value.save_as(script)
    done = subprocess.run(
        [sys.executable, "-I", "-c", RUN_SCRIPT, str(script)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["(3,", "3)", "[0", "1", "2]"]
    with page.expect_download() as download:
        page.get_by_role("button", name="PyTorch code").click()
    torch_code = download.value.path().read_text()
    assert "nn.Sequential(" in torch_code
    compile(torch_code, "torch_net.py", "exec")
    with page.expect_download() as download:
        page.get_by_role("button", name="Weights (JSON)").click()
    doc = json.loads(download.value.path().read_text())
    assert doc["classes"] == 3 and doc["output"] == "softmax"
    assert page.console.errors() == []


# The downloaded script's probabilities for the three blobs' centres, and its classes.
RUN_SCRIPT = """
import runpy, sys
namespace = runpy.run_path(sys.argv[1])
points = [[-1.0, -0.6], [1.0, -0.6], [0.0, 1.0]]
print(namespace["predict_proba"](points).shape, namespace["predict"](points))
"""


def test_clicking_the_pad_adds_a_point_of_the_chosen_class(page, app_url):
    start = "0,0,0;1,1,1;-1,1,0;1,-1,1"
    open_page(page, app_url + f"/train?dataset=own&pts={start}")
    # The class radio on the page (the sidebar holds the palette's radio).
    page.locator("[data-testid='stMain'] [data-testid='stRadio'] [role='radiogroup'] label").nth(
        2
    ).click()  # class 2
    wait_idle(page)
    settle(page)
    pad = page.locator("[data-testid='stPlotlyChart'] .nsewdrag").first
    box = pad.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.25, box["y"] + box["height"] * 0.25)
    page.wait_for_function("() => location.search.split('%3B').length === 5", timeout=30_000)
    wait_idle(page)
    added = re.search(r"pts=([^&]+)", page.url)[1].split("%3B")[-1].split("%2C")
    x, y, label = float(added[0]), float(added[1]), int(added[2])
    assert label == 2 and x < 0 < y  # upper left, where the click was
    assert page.console.errors() == []
