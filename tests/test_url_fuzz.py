"""Hostile links: random and adversarial URL parameters for every page that app.py lists.

Each page's URL keys are discovered, not listed here: the keys of the widgets bound to the URL
(``query_param_key`` in their protos) after a default run, plus the keys of the rules the page
hands to ``ui.urlstate.report`` (so controls that only appear in some modes are covered too).
Hypothesis then builds links from those keys, the app-wide keys, unknown keys and repeated keys,
with garbage, huge, negative and non-finite numbers, unicode (RTL, CJK), HTML/script fragments,
Markdown/LaTeX injections and 10 kB strings. Every run must finish without an exception and
without rendering a payload as markup; a clearly invalid value must produce a visible warning
that names its key. Derandomized and bounded: the same cases on every run.
"""

from __future__ import annotations

import ast
import contextlib
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from unittest import mock

import pytest
from figtools import walk
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent
RUN_TIMEOUT = 60.0  # seconds for one AppTest run; far above any legitimate page

# Payloads whose verbatim presence in rendered Markdown would mean user text became markup.
HTML_PAYLOADS = (
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    '"><svg onload=alert(1)>',
    "<iframe src=javascript:alert(1)>",
)
MARKUP_PAYLOADS = (
    r"$\def\a{\a\a}\a$",
    r"$$\href{javascript:alert(1)}{x}$$",
    "[a](javascript:alert(1))",
    "![x](//127.0.0.1:9/x.png)",
)
GARBAGE = (
    *HTML_PAYLOADS,
    *MARKUP_PAYLOADS,
    "**bold** _it_ `code` # h",
    "\u202eevil\u202c",  # right-to-left override
    "مرحبا بالعالم",
    "שלום",
    "中文字符",
    "日本語のテキスト",
    "😀🔥",
    "\x00",
    "%00",
    "%",
    "&",
    "=",
    "?#",
    "abc",
    "None",
    "null",
    "[]",
    "{}",
    "1/0",
    "2**31",
    "0x10",
    "1,5",
    "--1",
    "",
)
NONFINITE = ("nan", "NaN", "inf", "-inf", "Infinity", "-Infinity", "1e400", "-1e400")
HUGE = ("1e12", "-1e12", "1000000000000", "-1000000000000", "9" * 400, "-" + "9" * 400)
# Valid for some keys: float() reads "1_0" as 10 and " 5" as 5.
EDGE = (" ", "1_0", "-0", "0", "-1", "1e-320", "true", "false", "TRUE", "5 ", " 5", "20000")
LONG = "x" * 10_000 + "<script>alert(1)</script>"
# Streamlit itself handles these (embedding options); they are not the app's keys.
STREAMLIT_KEYS = ("embed", "embed_options")
UNKNOWN_KEYS = (
    "zzz",
    "<script>alert(1)</script>",
    "中文",
    "__proto__",
    "act.",
    "fx.z.min",
    "k" * 300,
    "n ",
    "N",
    *STREAMLIT_KEYS,
)

CASES: Counter[str] = Counter()
SLOWEST: list[float] = [0.0]


# --- discovery ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Key:
    """One URL key of a page: how its widget reads it."""

    name: str
    kind: str  # number, choice, flag, text, or other
    options: tuple[str, ...] = ()
    widget: str = ""  # the bound widget's proto type, when the page showed it
    low: float | None = None
    high: float | None = None
    max_chars: int | None = None


@dataclass
class PageKeys:
    path: str
    keys: dict[str, Key] = field(default_factory=dict)
    bound: set[str] = field(default_factory=set)  # keys of widgets bound to the URL
    ruled: set[str] = field(default_factory=set)  # keys given to urlstate.report


def app_pages() -> dict[str, str]:
    """The page files that app.py's navigation lists, read from its source, with the path each
    has in the address bar ("" for the default page)."""
    tree = ast.parse((ROOT / "app.py").read_text(encoding="utf-8"))
    found = {}
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "Page"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            kw = {k.arg: getattr(k.value, "value", None) for k in node.keywords}
            found[node.args[0].value] = "" if kw.get("default") else kw.get("url_path", "")
    return found


URL_PATHS = app_pages()
PAGES = list(URL_PATHS)


@cache
def app_wide_keys() -> frozenset[str]:
    """The keys every page binds: the sidebar's (language, image export, own formula)."""
    return frozenset.intersection(*(frozenset(discover(page).keys) for page in PAGES))


def is_global(key: str) -> bool:
    """An app-wide key, or one under it (``fx.a.min`` belongs to ``fx``)."""
    return key in app_wide_keys() or key.split(".")[0] in app_wide_keys()


def protos(at):
    for node in walk(at._tree):
        proto = getattr(node, "proto", None)
        if proto is not None:
            yield proto


def widget_key(proto) -> Key | None:
    """The URL key a bound widget reads, with what its widget accepts."""
    name = getattr(proto, "query_param_key", "") if proto is not None else ""
    if not name:
        return None
    kind = type(proto).__name__
    if kind == "ButtonGroup":
        return Key(name, "choice", tuple(o.content for o in proto.options), kind)
    if kind in ("Selectbox", "MultiSelect", "Radio") or (kind == "Slider" and proto.options):
        return Key(name, "choice", tuple(proto.options), kind)
    if kind in ("Slider", "NumberInput"):
        has_min = getattr(proto, "has_min", True)
        has_max = getattr(proto, "has_max", True)
        return Key(
            name,
            "number",
            widget=kind,
            low=proto.min if has_min else None,
            high=proto.max if has_max else None,
        )
    if kind == "Checkbox":
        return Key(name, "flag", widget=kind)
    if kind in ("TextInput", "TextArea"):
        return Key(name, "text", widget=kind, max_chars=proto.max_chars or None)
    return Key(name, "other", widget=kind)


def rule_kind(rule) -> str:
    """number, choice, flag or text for rules built by ui.urlstate's constructors."""
    kind = getattr(rule.check, "__qualname__", "").split(".")[0]
    return kind if kind in ("number", "choice", "flag", "text") else "other"


def run_app(page: str, query: dict[str, list[str]] | None = None):
    """One AppTest run of ``app.py`` on ``page`` (a path such as pages/warp.py)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=RUN_TIMEOUT)
    for key, values in (query or {}).items():
        at.query_params[key] = values
    at.switch_page(page)
    start = time.perf_counter()
    at.run()
    SLOWEST[0] = max(SLOWEST[0], time.perf_counter() - start)
    CASES["runs"] += 1
    return at


@cache
def discover(page: str) -> PageKeys:
    """Run ``page`` once with no parameters and collect every URL key it knows."""
    from ui import urlstate

    ruled: list = []
    original = urlstate.report

    def spy(rules):
        rules = list(rules)
        ruled.extend(rules)
        return original(rules)

    with mock.patch.object(urlstate, "report", spy):
        at = run_app(page)
    assert not at.exception, f"{page} fails with no parameters: {at.exception}"
    found = PageKeys(page)
    for proto in protos(at):
        if (key := widget_key(proto)) is not None:
            found.keys[key.name] = key
            found.bound.add(key.name)
    for rule in ruled:
        found.ruled.add(rule.key)
        found.keys.setdefault(rule.key, Key(rule.key, rule_kind(rule)))
    return found


# --- checks ------------------------------------------------------------------------------------


def markdown_bodies(at):
    """(kind, body, allows_html) of every element the frontend renders as Markdown or HTML."""
    for proto in protos(at):
        kind = type(proto).__name__
        if kind == "Markdown":
            yield kind, proto.body, proto.allow_html
        elif kind in ("Alert", "Heading"):
            yield kind, proto.body, False
        elif kind == "Html":
            yield kind, proto.body, True


def assert_safe(at, query: dict[str, list[str]]) -> None:
    """No exception, no payload rendered as HTML or Markdown/LaTeX markup, no script in charts."""
    assert not at.exception, f"exception for {query!r}: {[e.message for e in at.exception]}"
    typed = [v for values in query.values() for v in values] + list(query)
    for kind, body, allows_html in markdown_bodies(at):
        lowered = body.lower()
        if allows_html:
            assert "onerror=" not in lowered and "<script" not in lowered, (kind, body[:300])
            assert not any(p in body for p in HTML_PAYLOADS), (kind, body[:300])
        for payload in MARKUP_PAYLOADS:
            if any(payload in text for text in typed):
                assert payload not in body, f"{payload!r} rendered as markup in {kind}: {body!r}"
    for proto in protos(at):
        if type(proto).__name__ == "PlotlyChart":
            spec = proto.spec.lower()
            assert "onerror" not in spec and "<script" not in spec, "payload in a chart"


def warning_text(at) -> str:
    """All warnings and errors, Markdown escapes removed, so key names read as typed."""
    texts = [w.value for w in at.warning] + [e.value for e in at.error]
    return re.sub(r"\\(.)", r"\1", "\n".join(texts)).replace("&amp;", "&")


def names_key(shown: str, name: str) -> bool:
    """Whether the warnings name ``name``: quoted in a problem, or in the list of unknown keys
    (a parameter key nobody asked for in this run, e.g. of an activation that is not shown)."""
    listed = re.search(rf"(?:: |, ){re.escape(name)}(?:,|$)", shown, flags=re.M)
    return f"'{name}'" in shown or listed is not None


# --- strategies --------------------------------------------------------------------------------


def number_text(low: float | None, high: float | None) -> st.SearchStrategy[str]:
    """Numbers as a link would carry them, mostly inside [low, high] when known."""
    inside = (
        st.floats(low, high).map(lambda v: f"{v:g}")
        if low is not None and high is not None
        else st.floats(-1e6, 1e6).map(repr)
    )
    return st.one_of(
        inside,
        st.integers(-(2**70), 2**70).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
    )


def valid_ish(key: Key) -> st.SearchStrategy[str]:
    """Values a page would accept for ``key``, or nearly so."""
    if key.kind == "choice" and key.options:
        return st.sampled_from(key.options)
    if key.kind == "number":
        return number_text(key.low, key.high)
    if key.kind == "flag":
        return st.sampled_from(("true", "false", "True", "FALSE"))
    if key.kind == "text":
        return st.text(max_size=60)
    return st.text(max_size=20)


def any_value(key: Key) -> st.SearchStrategy[str]:
    return st.one_of(
        valid_ish(key),
        st.sampled_from(GARBAGE + NONFINITE + HUGE + EDGE + (LONG,)),
        st.text(max_size=40),
        number_text(None, None),
    )


def invalid_value(key: Key) -> st.SearchStrategy[str]:
    """Values no reading of ``key`` can accept (never one of its options)."""
    if key.kind == "text":
        limit = key.max_chars or 5_000
        texts = (*(g for g in GARBAGE if g), LONG)
        return st.sampled_from(texts).map(lambda s: s * (limit // len(s) + 2))
    plain = st.sampled_from(tuple(v for v in GARBAGE + NONFINITE + HUGE if v not in key.options))
    if key.kind == "number" and key.high is not None and key.low is not None:
        span = max(1.0, key.high - key.low)
        beyond = st.floats(1.0, 1e9).flatmap(
            lambda d: st.sampled_from((key.high + d * span, key.low - d * span))
        )
        return st.one_of(plain, beyond.map(lambda v: f"{v:.6g}"))
    return plain


def fuzz_settings(examples: int):
    return settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        phases=(Phase.explicit, Phase.generate),  # no shrinking: a failure prints its link
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        print_blob=False,
    )


@st.composite
def random_link(draw, page: str) -> dict[str, list[str]]:
    """A link mixing the page's keys, app-wide keys and unknown keys, some repeated."""
    keys = discover(page).keys
    names = st.sampled_from(sorted(keys)) if keys else st.nothing()
    chosen = draw(st.lists(st.one_of(names, st.sampled_from(UNKNOWN_KEYS)), max_size=6))
    query: dict[str, list[str]] = {}
    for name in chosen:
        key = keys.get(name, Key(name, "other"))
        query[name] = draw(st.lists(any_value(key), min_size=1, max_size=3))
    return query


@st.composite
def invalid_link(draw, page: str, names: tuple[str, ...]) -> dict[str, list[str]]:
    """One to three of ``names`` with clearly invalid values (the last one of each counts)."""
    keys = discover(page).keys
    chosen = draw(st.lists(st.sampled_from(names), min_size=1, max_size=3, unique=True))
    query = {}
    for name in chosen:
        before = draw(st.lists(valid_ish(keys[name]), max_size=1))
        query[name] = [*before, draw(invalid_value(keys[name]))]
    return query


# --- tests -------------------------------------------------------------------------------------


@pytest.fixture(scope="module", autouse=True)
def report_cases(request):
    """Say how many links were tried, past pytest's output capture (not shown by xdist
    workers: run this file without -n to see it)."""
    yield
    line = (
        f"URL fuzz: {CASES['links']} links ({CASES['invalid']} clearly invalid) over "
        f"{len(PAGES)} pages in {CASES['runs']} AppTest runs (slowest {SLOWEST[0]:.1f} s), "
        f"{CASES['page switches']} page switches on a live server"
    )
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    with capture.global_and_fixture_disabled() if capture else contextlib.nullcontext():
        print("\n" + line)


def test_app_lists_pages_and_every_bound_key_has_a_rule():
    """A bound key without a urlstate rule would be reported as unknown even when valid."""
    assert len(PAGES) >= 2
    for page in PAGES:
        found = discover(page)
        page_bound = {k for k in found.bound if not is_global(k)}
        assert page_bound <= found.ruled, f"{page}: bound keys without a rule"
    assert discover("pages/curves.py").keys["act"].kind == "choice"


@pytest.mark.parametrize("page", PAGES)
def test_random_links_never_break_a_page(page):
    @fuzz_settings(8)
    @given(query=random_link(page))
    def check(query):
        CASES["links"] += 1
        assert_safe(run_app(page, query), query)

    check()


PAGES_WITH_KEYS = [p for p in PAGES if any(not is_global(k) for k in discover(p).keys)]


def fuzz_invalid_links(page: str, names: tuple[str, ...], expect) -> None:
    """Links with clearly invalid values for ``names`` on ``page``: safe, and ``expect(at,
    query)`` holds."""

    @fuzz_settings(8)
    @given(query=invalid_link(page, names))
    def check(query):
        CASES["links"] += 1
        CASES["invalid"] += 1
        at = run_app(page, query)
        assert_safe(at, query)
        expect(at, query)

    check()


@pytest.mark.parametrize("page", PAGES_WITH_KEYS)
def test_clearly_invalid_values_are_named_in_a_warning(page):
    def named_in_a_warning(at, query):
        shown = warning_text(at)
        for name in query:
            assert names_key(shown, name), f"no warning names {name!r}: {shown!r}"
        assert at.warning, f"no st.warning for {query!r}"

    names = tuple(sorted(k for k in discover(page).keys if not is_global(k)))
    fuzz_invalid_links(page, names, named_in_a_warning)


SWEEP = ("inf", "-inf", "nan", "1e400", "", HTML_PAYLOADS[0])


@pytest.mark.parametrize("value", SWEEP, ids=["inf", "-inf", "nan", "1e400", "empty", "html"])
@pytest.mark.parametrize("page", PAGES_WITH_KEYS)
def test_every_key_at_once_with_one_hostile_value(page, value):
    """Not left to chance: each of these values in every key of the page in one link (text
    keys get it repeated past their length limit)."""
    keys = discover(page).keys
    query = {
        name: [value * (((key.max_chars or 5_000) // max(1, len(value))) + 2)]
        if key.kind == "text"
        else [value]
        for name, key in keys.items()
        if not is_global(name)
    }
    CASES["links"] += 1
    CASES["invalid"] += 1
    at = run_app(page, query)
    assert_safe(at, query)
    assert at.warning


def test_clearly_invalid_app_wide_values_warn():
    """The sidebar's keys (language, image export, own formula) are in every link too."""

    def visible(at, query):
        assert at.warning or at.error, f"bad {sorted(query)} ignored silently"

    page = "pages/curves.py"
    names = tuple(sorted(k for k in discover(page).keys if is_global(k)))
    assert {"lang", "fx"} <= set(names)
    fuzz_invalid_links(page, names, visible)


def test_unknown_and_hostile_keys_are_listed_escaped_and_dropped():
    query = {name: ["1"] for name in ("zzz", "<script>alert(1)</script>", "中文")}
    at = run_app("pages/curves.py", query)
    assert_safe(at, query)
    shown = warning_text(at)
    assert "zzz" in shown and "中文" in shown
    body = at.warning[0].value
    assert "<script>" not in body and "&lt;script&gt;" in body  # shown as text, never a tag
    assert not any(name in at.query_params for name in query)


def test_repeated_keys_follow_the_last_value():
    """Streamlit and urlstate both read the last of repeated values: warn only when it is bad."""
    at = run_app("pages/curves.py", {"xmin": ["abc", "-2"]})
    assert_safe(at, {})
    assert not at.warning and at.number_input(key="xmin").value == -2
    at = run_app("pages/curves.py", {"xmin": ["-2", "abc"]})
    assert "'xmin'" in warning_text(at) and at.number_input(key="xmin").value == -6


def test_a_billion_of_everything_is_refused_fast():
    """The teacher's nightmare link, n=1000000000 and friends: every size of every page at once
    is clamped with a warning, quickly, and no bound widget ends up outside its range."""
    for page in PAGES_WITH_KEYS:
        keys = discover(page).keys
        numbers = [k for k, key in keys.items() if key.kind == "number" and not is_global(k)]
        query = {k: ["1000000000"] for k in numbers}
        start = time.perf_counter()
        at = run_app(page, query)
        assert time.perf_counter() - start < 20, page
        assert_safe(at, query)
        assert at.warning, page
        for node in walk(at._tree):
            key = widget_key(getattr(node, "proto", None))
            if key is not None and key.name in query and key.high is not None:
                assert key.low <= node.value <= key.high, (page, key.name, node.value)


def test_discovered_keys_cover_conditional_controls():
    """Keys of controls shown only in some modes come from the page's rules (Warp's SVD and
    typed-matrix controls are hidden by default)."""
    keys = discover("pages/warp.py").keys
    assert {"theta", "phi", "w11", "w22", "n", "act2"} <= set(keys)
    assert keys["n"].kind == "number" and keys["n"].high is not None
    assert keys["theta"].kind == "number" and keys["w11"].kind == "number"


# --- one key, two pages ------------------------------------------------------------------------


def clash(a: Key, b: Key) -> object | None:
    """A value page A accepts for a key that page B reads differently, or None."""
    if a.kind == "number" and b.kind == "number" and None not in (a.high, b.high, a.low, b.low):
        if a.high > b.high:
            return a.high
        if a.low < b.low:
            return a.low
        return None
    if a.kind == "choice" and a.options:
        extra = [o for o in a.options if o not in b.options]
        if extra:
            return extra[0]
        if a.widget != b.widget:  # a list where one value is read, or the reverse
            return a.options[0]
    return None


def clashes() -> list[tuple[str, str, str, object]]:
    """(key, page A, page B, value): one case per key and pair of differing widgets."""
    found, seen = [], set()
    for a in PAGES:
        for b in PAGES:
            if a == b:
                continue
            keys_a, keys_b = discover(a), discover(b)
            for name in sorted(keys_a.bound & keys_b.bound):
                if is_global(name):
                    continue
                key_a, key_b = keys_a.keys[name], keys_b.keys[name]
                value = clash(key_a, key_b)
                signature = (name, key_a, key_b)
                if value is not None and signature not in seen:
                    seen.add(signature)
                    found.append((name, a, b, value))
    return found


def widget_state(widget, value):
    """The WidgetState a browser sends for ``widget`` (a bench/load_test.Widget) at ``value``."""
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    state = WidgetState(id=widget.id)
    if (widget.kind == "slider" and widget.proto.options) or widget.kind in (
        "multiselect",
        "button_group",
    ):
        state.string_array_value.data.append(str(value))
    elif widget.kind == "slider":
        state.double_array_value.data.append(float(value))
    elif widget.kind == "number_input":
        state.double_value = float(value)
    else:
        state.string_value = str(value)
    return state


@pytest.fixture(scope="module")
def live_app():
    """A real `streamlit run` server: page switches keep widget values only there."""
    import sys

    sys.path.insert(0, str(ROOT / "tests" / "browser"))
    sys.path.insert(0, str(ROOT / "bench"))
    from browserkit import serve_app

    yield from serve_app()


def test_a_key_shared_by_two_pages_survives_a_page_switch(live_app):
    """Streamlit 1.67 carries a bound widget's value to the next page's widget with the same
    key. Set each shared key on one page to a value the other page's widget does not accept
    (Warp's layers=6 where Train allows 4), then switch pages as the sidebar does."""
    import asyncio
    import concurrent.futures

    from load_test import Session

    cases = clashes()
    assert cases, "no two pages share a key with different ranges: nothing to check"

    async def switch(name: str, a: str, b: str, value) -> list[str]:
        session = Session(live_app, timeout=RUN_TIMEOUT)
        await session.connect()
        try:
            opened = await session.open_page(URL_PATHS[a], "")
            moved = await session.rerun([widget_state(session.widgets[name], value)])
            switched = await session.open_page(URL_PATHS[b], "")
        finally:
            await session.close()
        CASES["page switches"] += 1
        return [
            f"{name}={value!r}: {a} -> {b}: {run.error}"
            for run in (opened, moved, switched)
            if not run.ok
        ]

    async def all_cases() -> list[str]:
        return [problem for case in cases for problem in await switch(*case)]

    # A thread of its own: Playwright's sync API (browser tests in the same worker) may have
    # left an event loop running in this one, and asyncio.run refuses to nest.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        problems = pool.submit(asyncio.run, all_cases()).result()
    assert not problems, "\n".join(problems)
