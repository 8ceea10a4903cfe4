"""A class presses Export at once: N sessions each ask the server for a PNG (or SVG/PDF) at the
same instant, through Streamlit's own protocol (the download button's deferred-file request,
what a click sends), on one server with the long-lived renderer (``charts.export.Renderer``)
and on one with the old path that starts a browser per image (``ACTIVATION_LAB_EXPORT=cold``),
in the same run.

Measured per export: the time from the request to the file's bytes (p50, p95, max); errors
(a refused request, a wrong file); the server's peak memory during the burst (PSS of the
server and every process it started, Chromium's included, sampled every 0.1 s); and reruns:
other sessions rerun the page throughout the burst, and their p95 is printed next to the same
reruns with no export running ("an export never blocks other students' reruns").

Run (starts and stops its own servers on free loopback ports):
    .venv/bin/python bench/bench_export_class.py --sessions 30 --format png
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
import urllib.request
from contextlib import suppress
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from load_test import (  # noqa: E402
    FINISHED_EARLY_FOR_RERUN,
    Session,
    local_server,
    percentile,
)
from streamlit.proto.BackMsg_pb2 import BackMsg  # noqa: E402
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: E402

MAGIC = {"png": b"\x89PNG", "svg": b"<svg", "pdf": b"%PDF"}


def process_tree(pid: int) -> list[int]:
    """``pid`` and every process below it, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with suppress(OSError):
                stat = (entry / "stat").read_text()
                ppid = int(stat.rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(entry.name))
    tree, todo = [], [pid]
    while todo:
        p = todo.pop()
        tree.append(p)
        todo.extend(children.get(p, []))
    return tree


def pss_mb(pid: int) -> float:
    """Proportional memory of the process tree (shared pages counted once), MB."""
    total = 0
    for p in process_tree(pid):
        with suppress(OSError), open(f"/proc/{p}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
                    break
    return total / 1024


class Exporter(Session):
    """A tab that opens a page and then clicks one of its image download buttons."""

    file_id = ""
    session_id = ""

    async def open_and_find(self, page: str, image_format: str) -> None:
        self.page_name, self.query = page, ""
        msg = BackMsg()
        msg.rerun_script.query_string = ""
        msg.rerun_script.page_name = page
        await self.ws.send(msg.SerializeToString())
        while True:
            fm = ForwardMsg()
            fm.ParseFromString(await self.ws.recv())
            kind = fm.WhichOneof("type")
            if kind == "delta" and fm.delta.WhichOneof("type") == "new_element":
                element = fm.delta.new_element
                if element.WhichOneof("type") == "download_button":
                    button = element.download_button
                    # The Export menu's image buttons: key "<format>-<chart>", label "PNG (2×)".
                    ours = button.label.lower().startswith(image_format)
                    if ours and button.deferred_file_id and not self.file_id:
                        self.file_id = button.deferred_file_id
            elif kind == "new_session":
                self.session_id = fm.new_session.initialize.session_id
            elif kind == "navigation":
                self.page_hash = fm.navigation.page_script_hash
            elif kind == "script_finished" and fm.script_finished != FINISHED_EARLY_FOR_RERUN:
                break
        if not self.file_id:
            raise RuntimeError(f"no {image_format} download button on {page}")

    async def _response(self, request_id: str) -> object:
        while True:
            fm = ForwardMsg()
            fm.ParseFromString(await self.ws.recv())
            response = fm.backend_operation_response
            if fm.WhichOneof("type") == "backend_operation_response" and (
                response.request_id == request_id
            ):
                return response

    async def export(self, base_url: str, image_format: str) -> tuple[float, str]:
        """Click: (seconds to the file's bytes, "" or an error)."""
        msg = BackMsg()
        request = msg.backend_operation_request
        request.request_id = f"bench-{id(self)}"
        request.session_id = self.session_id
        request.deferred_file.file_id = self.file_id
        start = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        try:
            response = await asyncio.wait_for(self._response(request.request_id), self.timeout)
        except TimeoutError:
            return time.perf_counter() - start, f"no file within {self.timeout:.0f} s"
        if response.error_msg:
            return time.perf_counter() - start, response.error_msg
        url = base_url + "/" + response.deferred_file.url.lstrip("/")
        try:
            data = await asyncio.to_thread(lambda: urllib.request.urlopen(url, timeout=60).read())
        except OSError as error:  # HTTPError included: the file went before it was fetched
            return time.perf_counter() - start, f"fetching the file: {error}"
        seconds = time.perf_counter() - start
        if (
            not data.lstrip().startswith(MAGIC[image_format])
            and MAGIC[image_format] not in data[:400]
        ):
            return seconds, "not a " + image_format
        return seconds, ""


async def rerunner(url: str, page: str, stop: asyncio.Event, out: list[float]) -> None:
    """Another student, rerunning the page as fast as results come, until ``stop``."""
    session = Session(url, 120)
    await session.connect(page)
    await session.open_page(page, "")
    while not stop.is_set():
        run = await session.rerun()
        if run.ok:
            out.append(run.seconds)
    await session.close()


async def burst(
    url: str, pid: int, page: str, image_format: str, sessions: int, timeout: float = 300
) -> dict:
    tabs = [Exporter(url, timeout) for _ in range(sessions)]
    for tab in tabs:
        await tab.connect(page)
    for tab in tabs:  # one after another: opening is not what is measured
        await tab.open_and_find(page, image_format)
    # Reruns with nothing exporting: the baseline for the reruns during the burst.
    idle_reruns: list[float] = []
    stop = asyncio.Event()
    others = [asyncio.create_task(rerunner(url, page, stop, idle_reruns)) for _ in range(3)]
    await asyncio.sleep(8)
    stop.set()
    await asyncio.gather(*others)

    before = pss_mb(pid)
    peak = [before]

    async def sample() -> None:
        while True:
            peak[0] = max(peak[0], pss_mb(pid))
            await asyncio.sleep(0.1)

    sampler = asyncio.create_task(sample())
    busy_reruns: list[float] = []
    stop = asyncio.Event()
    others = [asyncio.create_task(rerunner(url, page, stop, busy_reruns)) for _ in range(3)]
    await asyncio.sleep(1)
    start = time.perf_counter()
    results = await asyncio.gather(*(tab.export(url, image_format) for tab in tabs))
    wall = time.perf_counter() - start
    stop.set()
    await asyncio.gather(*others)
    sampler.cancel()
    for tab in tabs:
        await tab.close()
    times = [s for s, error in results if not error]
    errors = [error for _, error in results if error]
    return {
        "exports": len(results),
        "errors": len(errors),
        "error_kinds": sorted(set(errors))[:3],
        "p50": statistics.median(times) if times else float("nan"),
        "p95": percentile(times, 0.95),
        "max": max(times, default=float("nan")),
        "wall": wall,
        "pss_before": before,
        "pss_peak": peak[0],
        "rerun_idle_p95": percentile(idle_reruns, 0.95),
        "rerun_busy_p95": percentile(busy_reruns, 0.95),
        "reruns_busy": len(busy_reruns),
    }


def run(mode: str, args: argparse.Namespace) -> dict:
    os.environ["ACTIVATION_LAB_EXPORT"] = mode
    log = ROOT / "bench" / "out" / f"export-{mode}.log"
    log.parent.mkdir(exist_ok=True)
    with local_server(log) as (url, pid):
        warm = asyncio.run(burst(url, pid, args.page, args.format, 1))  # imports, first browser
        result = asyncio.run(burst(url, pid, args.page, args.format, args.sessions))
        result["first"] = warm["max"]
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument("--format", choices=tuple(MAGIC), default="png")
    parser.add_argument("--page", default="curves")
    parser.add_argument("--modes", default="cold,persistent")
    args = parser.parse_args(argv)
    rows = {mode: run(mode, args) for mode in args.modes.split(",")}
    print(
        f"\n{args.sessions} sessions press {args.format.upper()} at once on /{args.page} "
        f"(2 cores, load {os.getloadavg()[0]:.1f})"
    )
    head = (
        f"{'path':<11} {'first':>6} {'p50 s':>6} {'p95 s':>6} {'max s':>6} {'all s':>6} "
        f"{'errors':>6} {'peak MB':>8} {'idle MB':>8} {'rerun p95 idle/busy s':>22}"
    )
    print(head)
    print("-" * len(head))
    for mode, r in rows.items():
        label = {"cold": "cold (old)", "persistent": "persistent"}.get(mode, mode)
        print(
            f"{label:<11} {r['first']:>6.2f} {r['p50']:>6.2f} {r['p95']:>6.2f} {r['max']:>6.2f} "
            f"{r['wall']:>6.2f} {r['errors']:>6} {r['pss_peak']:>8.0f} {r['pss_before']:>8.0f} "
            f"{r['rerun_idle_p95']:>10.2f} / {r['rerun_busy_p95']:<9.2f}"
        )
        if r["error_kinds"]:
            print(f"{'':<11} errors: {r['error_kinds']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
