"""A classroom on one server: N concurrent sessions rerun a page over Streamlit's own websocket.

Each session is what a browser tab does, spoken in Streamlit's protocol (``BackMsg`` /
``ForwardMsg`` protobufs on ``/_stcore/stream``): open the page (``rerun_script`` with the page
name and query string), then change controls: a ``rerun_script`` carrying the page's widget
states with one or two of them moved, as a drag of a slider or a pick in a list sends it. The
widgets (ids, kinds, ranges, options) are read from the page's own deltas, so any page that
app.py lists works. Latency is from sending the rerun to the server's ``script_finished``.
Errors are exception elements, disconnects, compile errors and reruns that time out.

Run (starts ``streamlit run app.py`` on a free loopback port, then stops it):
    .venv/bin/python bench/load_test.py --sessions 50 --reruns 20 --page warp --query n=20000
Against a running server or nginx (loopback only; --pid to read replicas' memory):
    .venv/bin/python bench/load_test.py --url http://127.0.0.1:8080 --pid 123 --pid 456
Targets (issue 8, 2 cores): 50 sessions x 20 reruns on Warp at 20 000 points, zero errors,
p95 under 3 s; server memory after 1 000 reruns at most 100 MB above the start.
"""

from __future__ import annotations

import argparse
import ast
import asyncio
import ipaddress
import os
import random
import resource
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "browser"))

from browserkit import streamlit_command  # noqa: E402  (the command the browser tests use)

# Sidebar keys shared by every page: changing them measures the sidebar, not the page.
APP_WIDE_KEYS = ("lang", "img", "scale", "fx")
FINISHED_EARLY_FOR_RERUN = ForwardMsg.ScriptFinishedStatus.FINISHED_EARLY_FOR_RERUN
FINISHED_WITH_COMPILE_ERROR = ForwardMsg.ScriptFinishedStatus.FINISHED_WITH_COMPILE_ERROR


# --- the server ------------------------------------------------------------------------------


def require_loopback(url: str) -> str:
    """``url`` unchanged if its host is this machine's loopback; load goes nowhere else."""
    host = urllib.parse.urlsplit(url).hostname or ""
    if host != "localhost":
        try:
            if not ipaddress.ip_address(host).is_loopback:
                raise ValueError
        except ValueError:
            raise SystemExit(f"refusing {url!r}: load tests target loopback only") from None
    return url.rstrip("/")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_healthy(url: str, timeout: float = 90.0, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise SystemExit(f"server exited with code {proc.returncode}")
        with (
            suppress(OSError),
            urllib.request.urlopen(url + "/_stcore/health", timeout=2) as response,
        ):
            if response.status == 200:
                return
        time.sleep(0.3)
    raise SystemExit(f"{url} not healthy after {timeout:.0f} s")


@contextmanager
def local_server(log_path: Path) -> Iterator[tuple[str, int]]:
    """Start ``streamlit run app.py`` on a free loopback port; yield (url, pid); stop it."""
    port = free_port()
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            streamlit_command(port), cwd=ROOT, stdout=log, stderr=subprocess.STDOUT
        )
        url = f"http://127.0.0.1:{port}"
        try:
            wait_healthy(url, proc=proc)
            yield url, proc.pid
        finally:
            proc.terminate()
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def rss_mb(pids: Iterable[int]) -> float:
    """Resident memory of the processes, summed, from /proc (MB)."""
    total = 0
    for pid in pids:
        with suppress(OSError), open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total / 1024


def page_cookies(url: str) -> str:
    """The cookies that loading ``url`` sets, as a Cookie header value."""
    with urllib.request.urlopen(url, timeout=30) as response:
        response.read()
        headers = response.headers.get_all("Set-Cookie") or []
    return "; ".join(h.split(";", 1)[0] for h in headers)


def cpu_seconds(pids: Iterable[int]) -> float:
    """User + system CPU time the processes have used so far, from /proc (s)."""
    total = 0
    for pid in pids:
        with suppress(OSError), open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14, 15)
    return total / os.sysconf("SC_CLK_TCK")


def app_pages() -> dict[str, str]:
    """Every st.Page in app.py: its url_path -> the path a link uses ("" for the default page,
    which Streamlit serves at the root and not under its url_path)."""
    tree = ast.parse((ROOT / "app.py").read_text(encoding="utf-8"))
    pages = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "Page":
            kw = {k.arg: getattr(k.value, "value", None) for k in node.keywords}
            if kw.get("url_path"):
                pages[kw["url_path"]] = "" if kw.get("default") else kw["url_path"]
    return pages


# --- one session -----------------------------------------------------------------------------


@dataclass
class Widget:
    """A bound widget as its delta describes it."""

    key: str
    id: str
    kind: str  # the element type: slider, number_input, selectbox, checkbox, ...
    proto: object


@dataclass
class Run:
    seconds: float
    ok: bool
    error: str = ""
    received_bytes: int = 0


@dataclass
class Stats:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    received_bytes: int = 0

    def add(self, run: Run) -> None:
        self.received_bytes += run.received_bytes
        if run.ok:
            self.latencies.append(run.seconds)
        else:
            self.errors.append(run.error)


class Session:
    """One browser tab, speaking Streamlit's websocket protocol."""

    def __init__(self, url: str, timeout: float) -> None:
        self.url = url
        self.timeout = timeout
        self.ws = None
        self.page_name = ""
        self.page_hash = ""
        self.query = ""
        self.widgets: dict[str, Widget] = {}
        self.states: dict[str, WidgetState] = {}  # what this tab has set, sent on every rerun

    async def connect(self, page: str = "") -> None:
        """Load the page's HTML as a browser does (a proxy may set its routing cookie
        there), then open the websocket with those cookies."""
        parts = urllib.parse.urlsplit(self.url)
        scheme = "wss" if parts.scheme == "https" else "ws"
        cookies = await asyncio.to_thread(page_cookies, f"{self.url}/{page}")
        self.ws = await websockets.connect(
            f"{scheme}://{parts.netloc}{parts.path}/_stcore/stream",
            subprotocols=["streamlit"],
            origin=f"{parts.scheme}://{parts.netloc}",
            additional_headers={"Cookie": cookies} if cookies else None,
            max_size=None,
            open_timeout=self.timeout,
            ping_interval=None,  # a busy server must not look dead to us
        )

    async def close(self) -> None:
        if self.ws is not None:
            with suppress(Exception):
                await self.ws.close()

    async def open_page(self, page: str, query: str) -> Run:
        """What a browser does on a link: run the page with the link's query string."""
        self.page_name, self.page_hash, self.query = page, "", query
        self.states.clear()
        self.widgets = {}
        return await self.rerun()

    async def rerun(self, changes: Iterable[WidgetState] = ()) -> Run:
        for state in changes:
            self.states[state.id] = state
        msg = BackMsg()
        client = msg.rerun_script
        client.query_string = self.query
        if self.page_hash:  # a rerun of the page on screen, as the browser sends it
            client.page_script_hash = self.page_hash
        else:  # a link opened: the server finds the page by its url_path
            client.page_name = self.page_name
        live = {w.id for w in self.widgets.values()}
        client.widget_states.widgets.extend(
            s for i, s in self.states.items() if not live or i in live
        )
        start = time.perf_counter()
        try:
            await self.ws.send(msg.SerializeToString())
            return await asyncio.wait_for(self._until_finished(start), self.timeout)
        except TimeoutError:
            return Run(time.perf_counter() - start, False, "timeout")
        except websockets.ConnectionClosed as closed:
            return Run(time.perf_counter() - start, False, f"disconnect {closed.rcvd}")

    async def _until_finished(self, start: float) -> Run:
        widgets: dict[str, Widget] = {}
        received, problem = 0, ""
        while True:
            data = await self.ws.recv()
            received += len(data)
            fm = ForwardMsg()
            fm.ParseFromString(data)
            kind = fm.WhichOneof("type")
            if kind == "delta" and fm.delta.WhichOneof("type") == "new_element":
                element = fm.delta.new_element
                name = element.WhichOneof("type")
                if name == "exception":
                    problem = problem or f"exception: {element.exception.message[:120]}"
                elif name is not None:
                    proto = getattr(element, name)
                    key = getattr(proto, "query_param_key", "")
                    if key:
                        widgets[key] = Widget(key, proto.id, name, proto)
            elif kind == "navigation":
                self.page_hash = fm.navigation.page_script_hash  # the page that runs
            elif kind == "page_info_changed":
                self.query = fm.page_info_changed.query_string
            elif kind == "page_not_found":
                problem = problem or "page not found"
            elif kind == "script_finished":
                if fm.script_finished == FINISHED_EARLY_FOR_RERUN:
                    continue  # e.g. the deep-link guard's st.rerun(); the real run follows
                if fm.script_finished == FINISHED_WITH_COMPILE_ERROR:
                    problem = problem or "compile error"
                if widgets:
                    self.widgets = widgets
                return Run(time.perf_counter() - start, not problem, problem, received)


# --- moving controls -------------------------------------------------------------------------


def move(widget: Widget, rng: random.Random) -> WidgetState | None:
    """A new value for ``widget``, as the browser would send it after a user moved it."""
    p = widget.proto
    state = WidgetState(id=widget.id)
    if widget.kind == "slider" and not p.options:
        steps = max(1, round((p.max - p.min) / (p.step or 1)))
        values = sorted(p.min + (p.step or 1) * rng.randint(0, steps) for _ in p.default)
        state.double_array_value.data.extend(min(v, p.max) for v in values)
    elif widget.kind == "slider":  # select_slider: option strings
        state.string_array_value.data.extend(rng.sample(list(p.options), len(p.default)))
    elif widget.kind == "number_input" and p.has_min and p.has_max:
        step = p.step or 1
        steps = min(1000, max(1, round((p.max - p.min) / step)))
        state.double_value = p.min + step * rng.randint(0, steps)
    elif widget.kind == "selectbox" and p.options:
        state.string_value = rng.choice(list(p.options))
    elif widget.kind == "checkbox":
        state.bool_value = rng.random() < 0.5
    else:
        return None  # text, multiselect, button groups: left as the link set them
    return state


def movable(widgets: dict[str, Widget], fixed: Iterable[str]) -> list[Widget]:
    skip = set(APP_WIDE_KEYS) | set(fixed)
    return [w for k, w in sorted(widgets.items()) if k not in skip]


async def student(
    index: int,
    url: str,
    pages: list[tuple[str, str]],
    reruns: int,
    think: float,
    timeout: float,
    stats: Stats,
    ready: asyncio.Event,
) -> None:
    """One student: open the page, then move one or two controls ``reruns`` times."""
    rng = random.Random(index)
    session = Session(url, timeout)
    try:
        await session.connect(pages[index % len(pages)][0])
    except Exception as error:
        stats.errors.append(f"connect: {error}")
        return
    await ready.wait()
    try:
        for r in range(reruns):
            page, query = pages[(index + r) % len(pages)] if len(pages) > 1 else pages[0]
            if r == 0 or len(pages) > 1:
                run = await session.open_page(page, query)
            else:
                fixed = urllib.parse.parse_qs(query).keys()
                choices = movable(session.widgets, fixed)
                changes = [move(w, rng) for w in rng.sample(choices, min(2, len(choices)))]
                run = await session.rerun([c for c in changes if c is not None])
            stats.add(run)
            if run.error.startswith("disconnect"):
                return
            if think:
                await asyncio.sleep(rng.uniform(0.5 * think, 1.5 * think))
    finally:
        await session.close()


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


async def drive(
    url: str,
    pages: list[tuple[str, str]],
    sessions: int,
    reruns: int,
    think: float,
    timeout: float,
    pids: list[int],
    max_seconds: float,
    warm_urls: list[str],
    settle: float = 5.0,
) -> dict:
    """Run the classroom; returns the measured numbers."""
    for target in warm_urls or [url]:  # a first run imports and compiles everything
        warm = Session(target, timeout * 3)
        await warm.connect()
        for page, query in pages:
            await warm.open_page(page, query)
        await warm.close()
    await asyncio.sleep(2)
    before = rss_mb(pids)

    stats, ready = Stats(), asyncio.Event()
    peak, loads = [before], []

    async def sample_memory() -> None:
        while True:
            peak[0] = max(peak[0], rss_mb(pids))
            loads.append(os.getloadavg()[0])  # the machine is shared: say how busy it was
            await asyncio.sleep(1)

    sampler = asyncio.create_task(sample_memory())
    tasks = [
        asyncio.create_task(student(i, url, pages, reruns, think, timeout, stats, ready))
        for i in range(sessions)
    ]
    await asyncio.sleep(0.5)  # let every tab connect, then start them together
    start = time.perf_counter()
    client_cpu = resource.getrusage(resource.RUSAGE_SELF)
    server_cpu = cpu_seconds(pids)
    ready.set()
    _done, pending = await asyncio.wait(tasks, timeout=max_seconds)
    for task in pending:
        task.cancel()
        stats.errors.append("cut off by --max-seconds")
    wall = time.perf_counter() - start
    used = resource.getrusage(resource.RUSAGE_SELF)
    client_cpu_s = used.ru_utime + used.ru_stime - client_cpu.ru_utime - client_cpu.ru_stime
    server_cpu = cpu_seconds(pids) - server_cpu
    after = rss_mb(pids)
    sampler.cancel()
    # Streamlit keeps a closed session for server.disconnectedSessionTTL (120 s).
    await asyncio.sleep(settle)
    settled = rss_mb(pids)
    return {
        "sessions": sessions,
        "reruns": len(stats.latencies) + len(stats.errors),
        "errors": len(stats.errors),
        "error_kinds": sorted(set(stats.errors))[:5],
        "p50": statistics.median(stats.latencies) if stats.latencies else float("nan"),
        "p95": percentile(stats.latencies, 0.95),
        "max": max(stats.latencies, default=float("nan")),
        "wall": wall,
        "throughput": len(stats.latencies) / wall if wall else 0.0,
        "mb_per_rerun": stats.received_bytes / 1e6 / max(1, len(stats.latencies)),
        "rss_before": before,
        "rss_peak": peak[0],
        "rss_after": after,
        "rss_settled": settled,
        "client_cpu": client_cpu_s,
        "server_cpu_per_rerun": server_cpu / max(1, len(stats.latencies)),
        "load": statistics.mean(loads) if loads else os.getloadavg()[0],
    }


def print_table(r: dict, label: str) -> None:
    print(f"\n{label}")
    print(
        f"{'sessions':>8} {'reruns':>6} {'errors':>6} {'p50 s':>6} {'p95 s':>6} {'max s':>6} "
        f"{'rerun/s':>7} {'MB/rerun':>8} {'RSS start':>9} {'peak':>6} {'end':>6} {'settled':>7} "
        f"{'growth':>6}"
    )
    print(
        f"{r['sessions']:>8} {r['reruns']:>6} {r['errors']:>6} {r['p50']:>6.2f} "
        f"{r['p95']:>6.2f} {r['max']:>6.2f} {r['throughput']:>7.1f} {r['mb_per_rerun']:>8.2f} "
        f"{r['rss_before']:>9.0f} {r['rss_peak']:>6.0f} {r['rss_after']:>6.0f} "
        f"{r['rss_settled']:>7.0f} {r['rss_after'] - r['rss_before']:>+6.0f}"
    )
    print(
        f"memory in MB (server RSS; growth = end - start); wall {r['wall']:.0f} s; "
        f"server CPU {r['server_cpu_per_rerun']:.2f} s per rerun; this client used "
        f"{r['client_cpu']:.0f} s of CPU; mean load average {r['load']:.1f} on "
        f"{os.cpu_count()} cores"
    )
    if r["error_kinds"]:
        print("errors:", "; ".join(r["error_kinds"]))


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", help="a running server on loopback (default: start one)")
    parser.add_argument("--pid", type=int, action="append", default=[], help="server process")
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--reruns", type=int, default=20, help="per session, page load included")
    parser.add_argument("--page", default="warp", help="a url_path from app.py, or 'all'")
    parser.add_argument("--query", default="n=20000", help="the link's query string")
    parser.add_argument("--rounds", type=int, default=1, help="repeat on the same server")
    parser.add_argument(
        "--settle", type=float, default=5.0, help="s after the sessions close: 'settled' RSS"
    )
    parser.add_argument("--think", type=float, default=0.0, help="mean pause between reruns, s")
    parser.add_argument("--timeout", type=float, default=60.0, help="per rerun, s")
    parser.add_argument("--max-seconds", type=float, default=900.0, help="whole run, s")
    parser.add_argument(
        "--warm-url",
        action="append",
        default=[],
        help="open the page here before measuring (default: --url); e.g. each replica",
    )
    parser.add_argument("--log", default="/tmp/load_test_server.log", help="server log")
    args = parser.parse_args(argv)
    if not (1 <= args.sessions <= 500 and 1 <= args.reruns <= 10_000 and 1 <= args.rounds <= 10):
        parser.error("sessions in 1..500, reruns in 1..10000, rounds in 1..10")
    args.max_seconds = min(args.max_seconds, 3600.0)
    args.settle = min(max(args.settle, 0.0), 600.0)
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    names = app_pages()
    if args.page == "all":
        pages = [(path, "") for path in names.values()]
    elif args.page in names:
        pages = [(names[args.page], args.query)]
    else:
        raise SystemExit(f"unknown page {args.page!r}; app.py lists {sorted(names)}")
    label = (
        f"{args.sessions} sessions x {args.reruns} reruns on /{args.page}?{args.query} "
        f"(think {args.think:g} s)"
    )

    def run(url: str, pids: list[int]) -> int:
        """Every round on the same server: a second round shows whether memory keeps growing
        (a leak) or stays at the first round's high-water mark."""
        errors = 0
        for round_ in range(1, args.rounds + 1):
            result = asyncio.run(
                drive(
                    url,
                    pages,
                    args.sessions,
                    args.reruns,
                    args.think,
                    args.timeout,
                    pids,
                    args.max_seconds,
                    [u.rstrip("/") for u in args.warm_url],
                    args.settle,
                )
            )
            suffix = f", round {round_} of {args.rounds}" if args.rounds > 1 else ""
            print_table(result, label + suffix)
            errors += result["errors"]
        return errors

    if args.url:
        for target in args.warm_url:
            require_loopback(target)
        errors = run(require_loopback(args.url), args.pid)
    else:
        with local_server(Path(args.log)) as (url, pid):
            errors = run(url, [pid])
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
