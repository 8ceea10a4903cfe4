"""Limits on a formula and on the work it may cost: each checked where it can first be judged."""

MAX_LENGTH = 500  # characters of formula text, checked before anything else
MAX_NODES = 200  # syntax-tree nodes (names, numbers, operators, calls)
MAX_DEPTH = 40  # nesting depth of the syntax tree, and of brackets (checked before parsing)
MAX_EXPONENT = 100  # |p| for a constant exponent in u**p (SymPy expands integer powers eagerly)
MAX_LITERAL = 1e100  # |number| written in the formula
MAX_SIZE = 2000  # nodes of the SymPy expression f (registry ids like step(u) repeat u)
MAX_GRAD_SIZE = 5000  # nodes of the SymPy expression f′
TIME_BUDGET = 2.0  # CPU seconds of SymPy work (build, LaTeX, lambdify) per formula
MAX_LATEX = 4000  # characters of LaTeX shown; longer formulas get a placeholder
LATEX_NODES = 1000  # larger expressions are not even printed (their LaTeX is far too long)
PARAM_NAMES = ("a", "b", "c")
DEFAULT_RANGE = (1.0, -5.0, 5.0)  # (default, min, max) of a parameter not given a range

BIG_BITS = 1100  # exact integers beyond ~1e330 become floats (i.e. ±inf), like NumPy's
EXACT_LIMIT = 1e6  # constant function arguments larger than this are folded to float64
