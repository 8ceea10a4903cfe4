"""Translations: complete catalogues, no English left on any page, CJK glyphs in exports."""

from __future__ import annotations

import io
import json
import re
import shutil
import string
import subprocess
from functools import cache
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import pytest
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po
from figtools import chart_config, chart_figure, is_live_chart, walk

import activations
import i18n
from activations import formula
from charts import export
from charts.theme import FONT_FAMILY, base_layout, font_family

ROOT = Path(__file__).resolve().parent.parent
POT = ROOT / "i18n" / "messages.pot"
TRANSLATED = [lang for lang in i18n.LANGUAGES if lang != i18n.DEFAULT_LANGUAGE]
PAGES = sorted(p.stem for p in (ROOT / "pages").glob("*.py"))


def read(path: Path, lang: str | None = None):
    with path.open("rb") as handle:
        return read_po(handle, locale=lang)


def catalog(lang: str):
    return read(i18n.LOCALES_DIR / lang / "LC_MESSAGES" / "messages.po", lang)


@cache
def translations(lang: str) -> dict[str, str]:
    return {m.id: m.string for m in catalog(lang) if m.id}


def fields(text: str) -> list[tuple[str, str]]:
    """The ``{name:spec}`` replacement fields of a str.format string, in order."""
    return [(name, spec or "") for _, name, spec, _ in string.Formatter().parse(text) if name]


@pytest.fixture(autouse=True)
def no_session_language(monkeypatch):
    """Outside an app run, the language is the context variable's (AppTest runs install the
    app's provider again)."""
    monkeypatch.setattr(i18n, "_provider", None)


# --- the catalogues ----------------------------------------------------------------------------


@pytest.mark.parametrize("lang", TRANSLATED)
def test_catalogue_is_complete_and_consistent(lang):
    cat = catalog(lang)
    template_ids = {m.id for m in read(POT) if m.id}
    ids = {m.id for m in cat if m.id}
    assert ids == template_ids, "run pybabel update (see i18n/__init__.py)"
    assert not cat.obsolete, f"obsolete entries: {list(cat.obsolete)[:5]}"
    for message in cat:
        if not message.id:
            continue
        source = message.id if isinstance(message.id, str) else message.id[0]
        texts = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in texts:
            assert text and text.strip(), f"untranslated: {source!r}"
            assert "fuzzy" not in message.flags, f"fuzzy: {source!r}"
            # The code fills these in with .format(): same names, same format specs.
            assert sorted(fields(text)) == sorted(fields(source)), (source, text)
            # Markdown and LaTeX survive translation.
            for mark in ("**", "`", "$"):
                assert text.count(mark) == source.count(mark), (mark, source, text)
            assert text == text.strip() or source != source.strip(), (source, text)
    # Babel's own checks (e.g. printf-style placeholders it detects in a msgid).
    assert [(m.id, e) for m, e in cat.check() if e] == []


def test_template_is_up_to_date_with_the_source(tmp_path):
    """Re-extract from app.py, pages/, charts/, ui/ and the registry: nothing new, nothing gone."""
    fresh = tmp_path / "messages.pot"
    cli = ["pybabel", "-q", "extract", "-F", str(ROOT / "i18n" / "babel.cfg"), "-o", str(fresh)]
    CommandLineInterface().run([*cli, "--no-location", "--sort-output", str(ROOT)])
    new = {m.id for m in read(fresh) if m.id}
    old = {m.id for m in read(POT) if m.id}
    assert sorted(new - old) == [], "new strings: re-extract and translate (i18n/__init__.py)"
    assert sorted(old - new) == [], "strings gone from the source: re-extract"
    # The library's prose is in the catalogue too (notes and parameter descriptions).
    assert any(text.startswith("The classic smooth squashing function") for text in new)


# One word per concept in each language, as in its deep-learning literature.
TERMS = {
    "zh_Hant": ("激活函數", "導數", "梯度消失", "反向傳播", "神經網路", "權重", "偏差"),
    "zh_Hans": ("激活函数", "导数", "梯度消失", "反向传播", "神经网络", "权重", "偏置"),
    "tr": (
        "aktivasyon fonksiyonu",
        "türev",
        "kaybolan gradyan",
        "geri yayılım",
        "sinir ağı",
        "ağırlık",
        "yanlılık",
    ),
}


@pytest.mark.parametrize("lang", TRANSLATED)
def test_terms_follow_each_literature(lang):
    text = "\n".join(translations(lang).values()).lower()
    for term in TERMS[lang]:
        assert term.lower() in text, term
    # One name for "activation function" per script; the scripts do not mix.
    if lang == "zh_Hant":
        assert "啟動函數" not in text and "网" not in text and "数" not in text
    if lang == "zh_Hans":
        assert "網" not in text and "數" not in text


# --- the mechanism -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("locale", "lang"),
    [
        ("zh-TW", "zh_Hant"),
        ("zh-HK", "zh_Hant"),
        ("zh-Hant-TW", "zh_Hant"),
        ("zh-CN", "zh_Hans"),
        ("zh-Hans", "zh_Hans"),
        ("zh", "zh_Hans"),
        ("tr-TR", "tr"),
        ("tr", "tr"),
        ("en-US", "en"),
        ("de-DE", "en"),
        ("", "en"),
        (None, "en"),
    ],
)
def test_browser_locale_picks_a_language(locale, lang):
    assert i18n.match_locale(locale) == lang


def test_translate_in_each_language():
    try:
        for lang in TRANSLATED:
            assert i18n.set_language(lang) == lang
            assert i18n._("Curves") == translations(lang)["Curves"] != "Curves"
            assert i18n._("") == ""  # not the catalogue header
            assert i18n._("not in any catalogue") == "not in any catalogue"
        assert i18n.set_language("xx") == "en"
        assert i18n._("Curves") == "Curves"
    finally:
        i18n.set_language("en")


def test_chart_fonts_name_installed_cjk_faces():
    assert font_family("zh_Hant").index("CJK TC") < font_family("zh_Hant").index("CJK SC")
    assert font_family("zh_Hans") == font_family("tr") == font_family("en") == FONT_FAMILY
    assert FONT_FAMILY.index("CJK SC") < FONT_FAMILY.index("CJK TC")
    if shutil.which("fc-list") is None:
        pytest.skip("fontconfig's fc-list is not installed")
    installed = subprocess.run(
        ["fc-list", ":", "family"], capture_output=True, text=True, check=True
    ).stdout
    for face in ("Noto Sans CJK SC", "Noto Sans CJK TC"):
        assert face in installed, f"{face} missing: apt-get install fonts-noto-cjk"


# --- no English left on any page ---------------------------------------------------------------

# Proto fields that carry text a user reads (labels, bodies, help, placeholders, the options
# of selectboxes and the contents of segmented controls' buttons).
TEXT_FIELDS = {
    "label",
    "body",
    "help",
    "placeholder",
    "caption",
    "delta_description",
    "options",
    "content",
}


def english_patterns(lang: str) -> list[tuple[str, re.Pattern]]:
    """A pattern per English source string whose translation differs from it; placeholders
    match anything, so formatted strings are caught too."""
    found = []
    for source, text in translations(lang).items():
        if text == source or not re.search(r"[A-Za-z]{2}", re.sub(r"\{[^}]*\}", "", source)):
            continue
        parts = re.split(r"\{[^{}]*\}", source)
        found.append((source, re.compile(".+?".join(re.escape(p) for p in parts), re.DOTALL)))
    return found


def proto_texts(message) -> list[str]:
    """Every text field of a proto message and of the messages nested in it."""
    texts = []
    for field, value in message.ListFields():
        if field.message_type is not None:
            values = [value] if hasattr(value, "ListFields") else list(value)
            for item in values:
                texts += proto_texts(item)
        elif field.name in TEXT_FIELDS and isinstance(value, str):
            if not value.lstrip().startswith("<style>"):  # CSS (ui.shell.style) is never shown
                texts.append(value)
        elif field.name in TEXT_FIELDS:  # a repeated string field (options)
            texts += [item for item in value if isinstance(item, str)]
    return texts


def figure_texts(spec: str) -> list[str]:
    """Titles, axis titles, annotations, legend names and buttons of a Plotly figure."""
    fig = json.loads(spec)
    layout, texts = fig.get("layout", {}), []

    def title(obj):
        t = obj.get("title")
        return t.get("text") if isinstance(t, dict) else t

    texts.append(title(layout))
    for key, value in layout.items():
        if re.fullmatch(r"[xy]axis\d*|coloraxis", key) and isinstance(value, dict):
            texts.append(title(value))
    texts += [a.get("text") for a in layout.get("annotations", [])]
    texts += [t.get("name") for t in fig.get("data", [])]
    texts += [title(t.get("colorbar", {})) for t in fig.get("data", [])]
    texts += [b.get("label") for m in layout.get("updatemenus", []) for b in m.get("buttons", [])]
    texts += [s.get("currentvalue", {}).get("prefix") for s in layout.get("sliders", [])]
    return [re.sub(r"</?b>", "", t).strip(" :▶‖") for t in texts if isinstance(t, str) and t]


def live_chart_protos(at) -> list:
    return [n.proto for n in walk(at._tree) if is_live_chart(getattr(n, "proto", None))]


def page_texts(at) -> tuple[list[str], list[str]]:
    """(texts, chart file names) of everything an AppTest run rendered."""
    texts, files = [], []
    for node in walk(at._tree):
        proto = getattr(node, "proto", None)
        if proto is None:
            continue
        texts += proto_texts(proto)
        if is_live_chart(proto):
            texts += figure_texts(json.dumps(chart_figure(proto)))
            config = chart_config(proto)
            if name := config.get("toImageButtonOptions", {}).get("filename"):
                files.append(name)
    return texts, files


def english_left(texts: list[str], lang: str) -> list[str]:
    patterns = english_patterns(lang)
    return sorted(
        {
            f"{text!r} (source: {source!r})"
            for text in texts
            for source, p in patterns
            if p.fullmatch(text.strip())
        }
    )


# Shown as they are in every language: the app's name, and the language picker's label (it
# names itself in all four languages, for whoever cannot read the current one).
SAME_IN_EVERY_LANGUAGE = ("Activation Lab", "Language · 語言 · 语言 · Dil")
_CODE = re.compile(r"`[^`]*`|\$\$.*?\$\$|\$[^$]*\$", re.DOTALL)  # Markdown code, LaTeX
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def words(text: str) -> list[str]:
    """The words of ``text`` outside code and formulas; identifiers (``negative_slope``, ``x1``)
    and words under three letters are left out."""
    return [
        w
        for w in _WORD.findall(_CODE.sub(" ", text))
        if len(w) >= 3 and "_" not in w and not any(c.isdigit() for c in w)
    ]


@cache
def code_names() -> frozenset[str]:
    """Names that are code, the same in every language: activation ids, their parameters, and
    the functions a formula may use."""
    names = set(activations.names()) | set(formula.function_names())
    for name in activations.names():
        names |= {p.name for p in activations.get(name).params}
    return frozenset(n.lower() for n in names)


@cache
def english_vocabulary(lang: str) -> frozenset[str]:
    """Words of the catalogue's English sources that ``lang``'s translations never use: seen on
    a page in ``lang``, such a word is English left over (names kept as they are, such as
    ReLU, Adam or softmax, occur in the translations and are not in this set)."""
    sources = {w.lower() for m in translations(lang) for w in words(re.sub(r"\{[^}]*\}", " ", m))}
    kept = {w.lower() for text in translations(lang).values() for w in words(text)}
    return frozenset(sources - kept - code_names())


def english_words(texts: list[str], lang: str) -> list[str]:
    """Every English word (see :func:`english_vocabulary`) in ``texts``, with its text."""
    vocabulary = english_vocabulary(lang)
    found = set()
    for text in texts:
        for same in SAME_IN_EVERY_LANGUAGE:
            text = text.replace(same, " ")
        found |= {f"{w!r} in {text[:60]!r}" for w in words(text) if w.lower() in vocabulary}
    return sorted(found)


def chart_strings(figure: dict) -> list[str]:
    """Every text a chart draws (titles, names, labels, ticks, hover templates), as drawn: no
    markup, no %{...} placeholders."""
    keys = {"text", "name", "label", "prefix", "suffix", "ticktext", "hovertemplate"}
    found: list[str] = []

    def visit(node, key=None):
        if isinstance(node, dict):
            for k, v in node.items():
                if k != "template":  # the theme's defaults, not text on the chart
                    visit(v, k)
        elif isinstance(node, list):
            for item in node:
                visit(item, key)
        elif isinstance(node, str) and key in keys:
            found.append(re.sub(r"<[^>]*>|%\{[^}]*\}", " ", node))

    visit(figure)
    return found


@cache
def chart_font_charset() -> frozenset[int]:
    """The code points the chart fonts can draw on this machine: the installed faces of the
    charts' font stack (charts.theme) and the generic sans-serif face it ends with."""
    for tool in ("fc-list", "fc-query", "fc-match"):
        if shutil.which(tool) is None:
            pytest.skip(f"fontconfig's {tool} is not installed")

    def run(*args: str) -> str:
        return subprocess.run(args, capture_output=True, text=True, check=True).stdout

    wanted = {f.strip(" '") for f in FONT_FAMILY.split(",")} - {"sans-serif"}
    wanted.add(run("fc-match", "-f", "%{family[0]}", "sans-serif").strip())
    points: set[int] = set()
    for line in run("fc-list", "--format", "%{family}\t%{file}\t%{index}\n").splitlines():
        families, path, index = line.split("\t")
        if wanted & set(families.split(",")):
            for part in run("fc-query", "-i", index, "-f", "%{charset}", path).split():
                lo, _, hi = part.partition("-")
                points.update(range(int(lo, 16), int(hi or lo, 16) + 1))
    return frozenset(points)


def missing_glyphs(texts: list[str]) -> list[str]:
    """Characters of ``texts`` that no chart font has: they would draw as empty boxes."""
    charset = chart_font_charset()
    return sorted(
        {f"{c!r} (U+{ord(c):04X}) in {t[:40]!r}" for t in texts for c in t if ord(c) not in charset}
    )


def test_the_glyph_check_sees_tofu():
    assert missing_glyphs(["▶ Play", "‖ 暫停", "Türkçe ğışİ", "∂L/∂z ‖ f′(x) σ₁ ⁿ"]) == []
    assert missing_glyphs(["⏸ Pause"]) == ["'⏸' (U+23F8) in '⏸ Pause'"]


def test_the_word_check_sees_english_words():
    found = english_words(["Sort by order picked", "GELU (exact)", "ReLU", "`leaky_relu`"], "tr")
    assert [line.split(" in ")[0] for line in found] == ["'Sort'", "'exact'", "'order'", "'picked'"]
    assert english_words(["x * sigmoid(b*x) · negative_slope", "〽️ Activation Lab"], "tr") == []


@pytest.mark.parametrize("lang", list(i18n.LANGUAGES))
@pytest.mark.parametrize("page", PAGES)
def test_page_in_every_language(run_page, page, lang):
    """Every text of the page and of its charts: no chart text that the fonts cannot draw,
    and (in zh_Hant, zh_Hans, tr) no English left, neither a whole source string nor a word."""
    at = run_page(page, {"lang": lang})
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["lang"] == lang
    texts, files = page_texts(at)
    assert len(texts) > 5
    drawn = [t for proto in live_chart_protos(at) for t in chart_strings(chart_figure(proto))]
    assert len(drawn) > 3
    assert missing_glyphs(drawn) == []
    if lang == i18n.DEFAULT_LANGUAGE:
        return
    # Options that are code (activation ids such as "step") are no English left over.
    assert english_left([t for t in texts if t.lower() not in code_names()], lang) == []
    assert english_words(texts + drawn, lang) == []
    # Chart file names (the toolbar camera's; the Export menu's use the same stem).
    assert english_left([f.replace("_", " ") for f in files], lang) == []
    if page != "home":  # the home page's title is the app's name
        assert at.title[0].value == translations(lang)[page.capitalize()]
    # Something on the page really is in the language, not just "not English".
    shown = set(texts)
    assert sum(text in shown for text in translations(lang).values()) >= 3


def test_the_check_sees_english_when_it_is_there(run_page):
    """The same collector on the English page finds the source strings (the check is live)."""
    at = run_page("curves", {"lang": "en"})
    texts, files = page_texts(at)
    found = english_left(texts, "zh_Hant")
    for expected in ("'Curves'", "'Activations'", "'Properties'", "'activation f(x)'"):
        assert any(line.startswith(expected) for line in found), (expected, found)
    assert "activation_curves" in files


def test_language_in_the_link_by_code_or_by_name(run_page):
    at = run_page("curves", {"lang": "zh_Hant"})
    assert at.session_state["lang"] == "zh_Hant" and at.title[0].value == "曲線"
    at = run_page("curves", {"lang": "Türkçe"})  # what the picker writes after a change
    assert at.session_state["lang"] == "tr" and at.title[0].value == "Eğriler"
    at = run_page("curves", {"lang": "klingon"})
    assert at.session_state["lang"] == "en" and at.title[0].value == "Curves"
    assert any("unknown language" in w.value for w in at.warning)
    at.sidebar.selectbox(key="lang").set_value("zh_Hans").run()
    assert at.title[0].value == "曲线" and not at.exception


# --- CJK glyphs in server-side exports ---------------------------------------------------------


@pytest.fixture(scope="module")
def kaleido_server():
    """One Chromium for all exports of this module (a cold kaleido call costs ~5 s)."""
    if export.find_browser() is None:
        pytest.skip("kaleido needs Chrome or Chromium (none found)")
    import kaleido

    kaleido.start_sync_server(silence_warnings=True)
    yield
    kaleido.stop_sync_server(silence_warnings=True)


def render(title: str | None, lang: str = "zh_Hant", image_format: str = "png") -> bytes:
    """The same small figure with ``title`` (or none), exported server-side."""
    i18n.set_language(lang)
    try:
        fig = base_layout(go.Figure(go.Scatter(x=[0, 1], y=[0, 1])), title=title, height=300)
        fig.update_layout(width=600, margin={"t": 70})
        return export.to_image(fig, image_format, scale=1)
    finally:
        i18n.set_language("en")


def title_band(png: bytes) -> np.ndarray:
    from PIL import Image

    gray = np.asarray(Image.open(io.BytesIO(png)).convert("L"), dtype=np.int16)
    return gray[:60]  # the title sits in the 70 px top margin


@pytest.mark.filterwarnings("ignore:The kopts argument:UserWarning")
def test_chinese_png_export_draws_glyphs_not_boxes(kaleido_server):
    chinese = title_band(render("激活函數的導數"))
    other = title_band(render("梯度消失與反向"))  # same length, other characters
    boxes = title_band(render("□" * 7))  # what missing glyphs ("tofu") look like
    blank = title_band(render(None))

    def changed(a, b):
        return int((np.abs(a - b) > 60).sum())

    ink = changed(chinese, blank)
    assert ink > 300, f"the title drew only {ink} dark pixels"
    # Missing glyphs would all draw the same box: different characters must differ.
    assert changed(chinese, other) > 200
    assert changed(chinese, boxes) > 200


@pytest.mark.filterwarnings("ignore:The kopts argument:UserWarning")
def test_pdf_embeds_the_cjk_face_of_the_language(kaleido_server):
    tc = render("激活函數的導數", "zh_Hant", "pdf")
    sc = render("激活函数的导数", "zh_Hans", "pdf")
    assert re.search(rb"/FontName /\w+\+NotoSansCJKtc", tc), "Traditional uses the TC face"
    assert re.search(rb"/FontName /\w+\+NotoSansCJKsc", sc), "Simplified uses the SC face"


# --- options shown translated, kept as ids in the link (ui.link.Choice with shown=) -------------


@pytest.fixture
def test_language():
    """Set the test process's language: AppTest formats a chosen option with the widget's
    format_func here, outside the app's session (the browser sends the shown text)."""

    def use(lang: str) -> None:
        i18n.set_language(lang)

    yield use
    i18n.set_language("en")


def test_options_are_translated_and_the_link_keeps_their_ids(run_page, test_language):
    at = run_page("softmax", {"lang": "tr", "cloud": "grid", "mcloud": "nope"})
    cloud = at.selectbox(key="cloud")
    assert cloud.value == "grid" and "ızgara" in cloud.options and "grid" not in cloud.options
    assert at.query_params["cloud"] == "grid"
    # A bad value falls back to the default, says so once, and leaves the link.
    assert at.selectbox(key="mcloud").value == "grid" and "mcloud" not in at.query_params
    assert len(at.warning) == 1 and "'mcloud'" in at.warning[0].value
    test_language("tr")
    at.selectbox(key="cloud").set_value("moons").run()
    assert at.query_params["cloud"] == "moons"  # not "aylar"
    at.selectbox(key="cloud").set_value("square").run()  # the default: left out of the link
    assert "cloud" not in at.query_params
    at.selectbox(key="cloud").set_value("spirals").run()
    # Another language: the same option, shown in it, and the same link.
    at.sidebar.selectbox(key="lang").set_value("zh_Hans").run()
    assert not at.exception
    assert (
        at.selectbox(key="cloud").value == "spirals" and "螺旋" in at.selectbox(key="cloud").options
    )
    assert at.query_params["cloud"] == "spirals"


def test_batch_size_full_is_translated_and_stays_full_in_the_link(run_page, test_language):
    at = run_page("train", {"lang": "zh_Hant", "batch": "32", "epochs": "20", "n": "60"})
    batch = at.select_slider(key="batch")
    assert batch.value == 32 and "全部" in batch.options and "full" not in batch.options
    assert at.query_params["batch"] == "32"
    test_language("zh_Hant")
    at.select_slider(key="batch").set_value("full").run()
    assert at.select_slider(key="batch").value == "full" and "batch" not in at.query_params
    at = run_page("train", {"lang": "tr", "batch": "full", "epochs": "20", "n": "60"})
    assert at.select_slider(key="batch").value == "full" and not at.warning


def test_sort_options_are_translated(run_page, test_language):
    at = run_page("curves", {"lang": "zh_Hant", "act": ["relu", "tanh"], "sort": "range"})
    sort = at.selectbox(key="sort")
    assert sort.value == "range" and sort.options[:2] == ["選取順序", "值域"]
    assert at.query_params["sort"] == "range"
    test_language("zh_Hant")
    at.selectbox(key="sort").set_value("order").run()
    assert "sort" not in at.query_params and not at.exception


@pytest.mark.parametrize("lang", TRANSLATED)
def test_numbers_in_texts_use_the_decimal_point_like_the_charts(lang):
    """Charts, tables and number fields write 0.25; a text beside them that writes 0,25 reads
    as a different number (or a list) to a learner. N(0,1) is a pair, as in the source."""
    mixed = [
        (msgid, text)
        for msgid, text in translations(lang).items()
        if re.search(r"\d,\d", text) and not re.search(r"\d,\d", msgid)
    ]
    assert mixed == []
