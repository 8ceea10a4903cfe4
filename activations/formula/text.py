"""The security boundary: what a formula's text may contain before anything evaluates it.

The text is never passed to ``eval``, ``exec``, ``sympify`` or ``parse_expr``. It is checked for
length, characters (printable ASCII from a small set; look-alikes such as Cyrillic ``х`` or
fullwidth ``ｘ`` are named and refused, never NFKC-normalised) and bracket depth, parsed with
``ast.parse(mode="eval")``, and walked with a whitelist of node types, counting nodes and depth.
Only a tree that passes :func:`parse` reaches :mod:`activations.formula.derive`.
"""

from __future__ import annotations

import ast
import io
import itertools
import tokenize
import unicodedata

from activations.formula.errors import N_, FormulaError
from activations.formula.limits import MAX_DEPTH, MAX_NODES

_ALLOWED_CHARS = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_ .,()+-*/<>=^"
)
_CHAR_HINTS = {
    "[": N_("use ( ) for grouping"),
    "]": N_("use ( ) for grouping"),
    "{": N_("use ( ) for grouping"),
    "}": N_("use ( ) for grouping"),
    "'": N_("strings are not allowed"),
    '"': N_("strings are not allowed"),
    "%": N_("there is no remainder operator"),
    "!": N_("use <, <=, > or >= in comparisons"),
    "&": N_("use 'and' inside where()"),
    "|": N_("use 'or' inside where(), or abs(u) for |u|"),
}
_UNICODE_HINTS = {
    "\u2212": "-",  # minus sign
    "\u2013": "-",
    "\u00d7": "*",
    "\u00b7": "*",
    "\u22c5": "*",
    "\u00f7": "/",
    "\u03c0": "pi",
    "\u2264": "<=",
    "\u2265": ">=",
    "\u00b2": "**2",
    "\u00b3": "**3",
    # Cyrillic and Greek look-alikes of Latin letters
    "\u0430": "a",
    "\u0441": "c",
    "\u0435": "e",
    "\u0445": "x",
    "\u043e": "o",
    "\u0440": "p",
    "\u0455": "s",
    "\u0456": "i",
    "\u03bf": "o",
    "\u03c7": "x",
}


def _check_characters(text: str) -> None:
    for i, ch in enumerate(text, start=1):
        if ch in _ALLOWED_CHARS:
            continue
        if ch.isascii():
            raise FormulaError(
                N_("character {char} is not allowed"), i, _CHAR_HINTS.get(ch), char=repr(ch)
            )
        name = unicodedata.name(ch, f"U+{ord(ch):04X}")
        suggestion = _UNICODE_HINTS.get(ch)
        if suggestion is None:
            folded = unicodedata.normalize("NFKC", ch)
            if folded.isascii() and folded.isprintable() and folded.strip():
                suggestion = folded
        hint = N_("did you mean {suggestion}?") if suggestion else N_("formulas use plain ASCII")
        raise FormulaError(
            N_("non-ASCII character {char} ({name})"),
            i,
            hint,
            char=repr(ch),
            name=name,
            suggestion=repr(suggestion),
        )


def _check_brackets(text: str) -> None:
    opened: list[int] = []
    for i, ch in enumerate(text, start=1):
        if ch == "(":
            opened.append(i)
            if len(opened) > MAX_DEPTH:
                raise FormulaError(N_("brackets nested more than {limit} deep"), i, limit=MAX_DEPTH)
        elif ch == ")":
            if not opened:
                raise FormulaError(N_("unmatched ')'"), i)
            opened.pop()
    if opened:
        raise FormulaError(N_("'(' is never closed"), opened[-1])


def _check_number_then_name(body: str, lead: int) -> None:
    """Reject ``2x`` and ``1if``: Python parses some of these with only a SyntaxWarning
    (which would reach the server log)."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(body).readline))
    except (tokenize.TokenError, SyntaxError):
        return  # ast.parse reports it
    for first, second in itertools.pairwise(tokens):
        if (
            first.type == tokenize.NUMBER
            and second.type == tokenize.NAME
            and first.end == second.start
        ):
            raise FormulaError(
                N_("a number runs into a name"), first.start[1] + 1 + lead, N_("write 2*x, not 2x")
            )


def _parse_text(text: str) -> tuple[ast.Expression, int]:
    """Checks on the raw text, then ``ast.parse``; returns the tree and the count of leading
    spaces (which ast columns do not include). Type and length are checked by the caller."""
    text = text.replace("\t", " ").replace("\n", " ").replace("\r", " ")
    if not text.strip():
        raise FormulaError(
            N_("empty formula"), None, N_("type an expression in x such as x * sigmoid(x)")
        )
    _check_characters(text)
    _check_brackets(text)
    body = text.lstrip(" ")
    lead = len(text) - len(body)
    _check_number_then_name(body, lead)
    try:
        tree = ast.parse(body, mode="eval")
    except SyntaxError as exc:
        detail = (exc.msg or "invalid syntax").split(". Perhaps")[0]
        column = exc.offset + lead if exc.offset and exc.offset <= len(body) else len(text) + 1
        # Python's own wording is kept as a value (translated only when it is the usual one)
        msg, hint = (N_("invalid syntax") if detail == "invalid syntax" else "{detail}"), None
        if detail == "invalid decimal literal":
            msg, hint = N_("a number runs into a name"), N_("write 2*x, not 2x")
        elif column > len(text):
            msg = N_("the formula ends too early")
        raise FormulaError(msg, column, hint, detail=detail) from None
    except (RecursionError, MemoryError, ValueError):
        raise FormulaError(N_("formula too complex to parse")) from None
    return tree, lead


# ----------------------------------------------------------------------------- AST whitelist

_BINOPS: dict[type, str] = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
_CMPOPS = (ast.Lt, ast.LtE, ast.Gt, ast.GtE)
_OK_NODES = (
    ast.Expression,
    ast.BinOp,
    ast.UnaryOp,
    ast.BoolOp,
    ast.Compare,
    ast.Call,
    ast.Name,
    ast.Constant,
    ast.Load,
    ast.USub,
    ast.UAdd,
    ast.Not,
    ast.And,
    ast.Or,
    *_BINOPS,
    *_CMPOPS,
)
_NODE_NAMES: dict[type, tuple[str, str | None]] = {
    ast.Attribute: (N_("attribute access ('.') is not allowed"), None),
    ast.Subscript: (N_("indexing is not allowed"), None),
    ast.Lambda: (N_("lambda is not allowed"), None),
    ast.IfExp: (N_("'if ... else' is not allowed"), N_("use where(condition, u, v)")),
    ast.ListComp: (N_("comprehensions are not allowed"), None),
    ast.SetComp: (N_("comprehensions are not allowed"), None),
    ast.DictComp: (N_("comprehensions are not allowed"), None),
    ast.GeneratorExp: (N_("comprehensions are not allowed"), None),
    ast.Tuple: (N_("a comma outside a function call is not allowed"), None),
    ast.List: (N_("lists are not allowed"), None),
    ast.Set: (N_("sets are not allowed"), None),
    ast.Dict: (N_("dicts are not allowed"), None),
    ast.Starred: (N_("starred arguments are not allowed"), None),
    ast.keyword: (
        N_("keyword arguments are not allowed"),
        N_("pass parameters by position, e.g. softplus(x, 2)"),
    ),
    ast.NamedExpr: (N_("assignment is not allowed"), None),
    ast.JoinedStr: (N_("strings are not allowed"), None),
    ast.Await: (N_("await is not allowed"), None),
    ast.Yield: (N_("yield is not allowed"), None),
    ast.YieldFrom: (N_("yield is not allowed"), None),
    ast.BitXor: (N_("'^' is not allowed"), N_("use ** for powers")),
    ast.Mod: (N_("'%' is not allowed"), None),
    ast.FloorDiv: (N_("'//' is not allowed"), N_("use /")),
    ast.MatMult: (N_("'@' is not allowed"), None),
    ast.BitAnd: (N_("'&' is not allowed"), N_("use 'and' inside where()")),
    ast.BitOr: (N_("'|' is not allowed"), N_("use 'or' inside where(), or abs(u) for |u|")),
    ast.LShift: (N_("'<<' is not allowed"), None),
    ast.RShift: (N_("'>>' is not allowed"), None),
    ast.Invert: (N_("'~' is not allowed"), None),
    ast.Eq: (N_("'==' is not allowed"), N_("use <, <=, > or >=")),
    ast.NotEq: (N_("'!=' is not allowed"), N_("use <, <=, > or >=")),
    ast.Is: (N_("'is' is not allowed"), None),
    ast.IsNot: (N_("'is not' is not allowed"), None),
    ast.In: (N_("'in' is not allowed"), None),
    ast.NotIn: (N_("'not in' is not allowed"), None),
}
_CONSTANT_NAMES = {
    str: N_("strings are not allowed"),
    bytes: N_("strings are not allowed"),
    bool: N_("True and False are not allowed"),
    complex: N_("complex numbers are not allowed"),
}


def _column(node: ast.AST, lead: int) -> int | None:
    offset = getattr(node, "col_offset", None)
    return None if offset is None else offset + 1 + lead


def _op_column(text: str, lead: int, left: ast.AST) -> int | None:
    """1-based column of the operator after operand ``left`` (ast does not record it)."""
    start = getattr(left, "end_col_offset", None)
    if start is None:
        return _column(left, lead)
    i = start + lead
    while i < len(text) and text[i] in " )":
        i += 1
    return i + 1


def _bad_operator(node: ast.AST) -> tuple[ast.AST, ast.AST] | None:
    """(operator, operand before it) if ``node`` uses an operator outside the whitelist."""
    if isinstance(node, ast.BinOp) and type(node.op) not in _BINOPS:
        return node.op, node.left
    if isinstance(node, ast.Compare):
        for op, left in zip(node.ops, [node.left, *node.comparators], strict=False):
            if type(op) not in _CMPOPS:
                return op, left
    return None


def _check_tree(tree: ast.Expression, text: str, lead: int) -> None:
    """Reject any node outside the whitelist; bound node count and depth (iteratively)."""
    count = 0
    stack: list[tuple[ast.AST, int, int | None]] = [(tree, 0, None)]
    while stack:
        node, depth, col = stack.pop()
        col = _column(node, lead) or col  # operators have no position: use their parent's
        bad = _bad_operator(node)
        if bad is not None:
            what, hint = _NODE_NAMES.get(type(bad[0]), (N_("this operator is not allowed"), None))
            raise FormulaError(what, _op_column(text, lead, bad[1]), hint)
        if not isinstance(node, _OK_NODES):
            what, hint = _NODE_NAMES.get(type(node), (N_("'{node}' is not allowed"), None))
            if isinstance(node, ast.Attribute):  # point at the dot
                col = _op_column(text, lead, node.value)
            raise FormulaError(what, col, hint, node=type(node).__name__)
        if isinstance(node, ast.Constant) and type(node.value) not in (int, float):
            # exact type: bool is a subclass of int
            what = _CONSTANT_NAMES.get(type(node.value), N_("this constant is not allowed"))
            raise FormulaError(what, col)
        if isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name):
                raise FormulaError(N_("only plain calls such as exp(x) are allowed"), col)
            if node.keywords:
                kw = node.keywords[0]
                what, hint = _NODE_NAMES[ast.keyword]
                raise FormulaError(what, _column(kw, lead) or col, hint)
        if isinstance(node, ast.expr):
            count += 1
        if count > MAX_NODES:
            raise FormulaError(N_("formula too large (more than {limit} parts)"), limit=MAX_NODES)
        if depth > MAX_DEPTH:
            raise FormulaError(N_("formula nested more than {limit} deep"), col, limit=MAX_DEPTH)
        for child in ast.iter_child_nodes(node):
            stack.append((child, depth + 1, col))


def parse(text: str) -> tuple[ast.Expression, str, int]:
    """Check ``text`` and parse it: (the whitelisted tree, the text on one line, the count of
    leading spaces, which ast columns do not include). Raises :class:`FormulaError`."""
    tree, lead = _parse_text(text)
    flat = text.replace("\t", " ").replace("\n", " ").replace("\r", " ")
    _check_tree(tree, flat, lead)
    return tree, flat, lead
