"""Call-mode conventions: test values as text, entry points, and output comparison.

Call-mode tests store arguments and expected return values as Python literal
text (`to_literal`/`from_literal`), because Parquet has no type for "any
Python value" and JSON loses tuples, sets and non-finite floats. The loaders
write this text and the sandbox reads it, so both use this one module.
"""

from __future__ import annotations

import ast
import json
import math
import re
from collections.abc import Callable
from typing import Any

# ---------------------------------------------------------------- literal text
#
# Call-mode tests hold Python literal text (schema.TEST). `to_literal` writes
# any value built from None, bool, int, float, complex, str, bytes, list,
# tuple, set, frozenset and dict so that `from_literal` gives back an equal
# value of the same types: tuples stay tuples (checkers compare types), and
# values plain literals cannot spell are written as calls: float('inf'),
# float('nan'), set(), frozenset({...}), complex(re, im). Set elements are
# sorted by their text so a value always has the same text (stable ids, dedup).

_MAX_DECIMAL_DIGITS = 4000  # str(int) refuses > 4300 digits; hex has no limit


def to_literal(value: Any) -> str:
    if type(value) is list and _numbers_only(value):
        try:  # the same text, written by C: big outputs are mostly lists of numbers
            return json.dumps(value, allow_nan=False)
        except ValueError:
            pass  # nan or inf: spelled as calls below
    t = type(value)
    if value is None or t is bool:
        return repr(value)
    if t is int:
        if value.bit_length() > _MAX_DECIMAL_DIGITS * 3:
            return hex(value)
        return repr(value)
    if t is float:
        if math.isnan(value):
            return "float('nan')"
        if math.isinf(value):
            return "float('inf')" if value > 0 else "float('-inf')"
        return repr(value)
    if t is complex:
        return f"complex({to_literal(value.real)}, {to_literal(value.imag)})"
    if t in (str, bytes):
        return repr(value)
    if t is list:
        return "[" + ", ".join(map(to_literal, value)) + "]"
    if t is tuple:
        if len(value) == 1:
            return "(" + to_literal(value[0]) + ",)"
        return "(" + ", ".join(map(to_literal, value)) + ")"
    if t in (set, frozenset):
        inner = "{" + ", ".join(sorted(map(to_literal, value))) + "}" if value else ""
        if t is frozenset:
            return f"frozenset({inner})"
        return inner or "set()"
    if t is dict:
        return "{" + ", ".join(f"{to_literal(k)}: {to_literal(v)}" for k, v in value.items()) + "}"
    raise TypeError(
        f"cannot write a {t.__name__} as a test literal: call-mode values must be "
        "None, bool, int, float, complex, str, bytes, list, tuple, set, frozenset or dict"
    )


# Literal text that is also JSON with the same meaning: numbers and lists only
# (json.loads and Python agree on every such text both accept; the others are
# left to the parser below).
_NUMBERS_AND_LISTS = re.compile(r"[-0-9.eE\[\], ]*")


_NUMBER_TYPES = frozenset({int, float})
_INT_LIMIT = 2 ** (_MAX_DECIMAL_DIGITS * 3)  # to_literal writes larger ints in hex


def _numbers_only(value: list) -> bool:
    """A list (of lists) of ints (no wider than to_literal writes in decimal) and
    floats: JSON writes it as to_literal would. (Type checks run in C: outputs
    can hold millions of numbers.)"""
    types = set(map(type, value))
    if types <= _NUMBER_TYPES:
        return int not in types or max(map(abs, value)) < _INT_LIMIT
    if not types <= _NUMBER_TYPES | {list}:
        return False
    return all(_numbers_only(x) if type(x) is list else
               (type(x) is float or abs(x) < _INT_LIMIT) for x in value)


def from_literal(text: str) -> Any:
    """The value of `to_literal` text (and of plain Python literals); ValueError otherwise.
    Unlike eval it runs nothing: only literals and the few calls above."""
    if _NUMBERS_AND_LISTS.fullmatch(text) and text.strip():
        try:  # 50-100x faster than parsing, for the big outputs (lists of numbers)
            return json.loads(text)
        except ValueError:
            pass
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as e:
        raise ValueError(f"not a Python literal: {e}") from None
    return literal_node(tree.body)


_CALLS = {"float", "complex", "set", "frozenset"}


def literal_node(node: ast.AST) -> Any:
    """The value of a literal expression node (raises ValueError on anything else)."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        v = literal_node(node.operand)
        if type(v) not in (int, float, complex):
            raise ValueError("unary +/- on a non-number")
        return -v if isinstance(node.op, ast.USub) else +v
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub)):
        # complex literals like 1+2j, as repr(complex) writes them
        left, right = literal_node(node.left), literal_node(node.right)
        if type(left) in (int, float) and type(right) is complex:
            return left + right if isinstance(node.op, ast.Add) else left - right
        raise ValueError("only real +/- imaginary is allowed in a literal")
    if isinstance(node, ast.List):
        return [literal_node(e) for e in node.elts]
    if isinstance(node, ast.Tuple):
        return tuple(literal_node(e) for e in node.elts)
    if isinstance(node, ast.Set):
        return {literal_node(e) for e in node.elts}
    if isinstance(node, ast.Dict):
        if any(k is None for k in node.keys):
            raise ValueError("** in a dict literal")
        return {literal_node(k): literal_node(v) for k, v in zip(node.keys, node.values)}
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in _CALLS
        and not node.keywords
    ):
        args = [literal_node(a) for a in node.args]
        if node.func.id == "float" and len(args) == 1 and isinstance(args[0], str):
            return float(args[0])
        if node.func.id == "complex" and all(type(a) in (int, float) for a in args):
            return complex(*args)
        if node.func.id in ("set", "frozenset") and len(args) <= 1:
            return {"set": set, "frozenset": frozenset}[node.func.id](*args)
    raise ValueError(f"not a literal: {ast.dump(node)[:80]}")


def values_equal(got: Any, expected: Any, atol: float = 0.0) -> bool:
    """Whether a returned value matches the expected one.

    Python equality, except that floats (also inside containers) match within
    a tolerance, as EvalPlus does: absolute `atol` (1e-6 when 0 is given) plus
    a relative 1e-7, and nan matches nan.
    """
    try:
        if got == expected:  # Python's equality implies ours (ours only adds tolerance)
            return True
    except RecursionError:
        pass
    if isinstance(expected, float) or isinstance(got, float):
        if isinstance(got, bool) or isinstance(expected, bool):
            return got == expected
        if not isinstance(got, (int, float)) or not isinstance(expected, (int, float)):
            return False
        if type(got) is int and abs(got) > 2**1023 or type(expected) is int and \
                abs(expected) > 2**1023:
            return False  # an int beyond every float is no float (and math.isnan would raise)
        if math.isnan(expected) or math.isnan(got):
            return math.isnan(expected) and math.isnan(got)
        if math.isinf(expected) or math.isinf(got):
            return got == expected
        return abs(got - expected) <= (atol or 1e-6) + 1e-7 * abs(expected)
    if type(got) is not type(expected) and not (
        isinstance(got, type(expected)) or isinstance(expected, type(got))
    ):
        return got == expected  # e.g. True == 1; list vs tuple stays unequal
    if isinstance(expected, (list, tuple)):
        return len(got) == len(expected) and all(
            values_equal(g, e, atol) for g, e in zip(got, expected)
        )
    if isinstance(expected, dict):
        return got.keys() == expected.keys() and all(
            values_equal(got[k], expected[k], atol) for k in expected
        )
    return got == expected


def stdio_equal(got: bytes, expected: str, float_tolerance: float = 0.0) -> bool:
    """Token-by-token comparison of stdout with the expected text.

    Tokens are whitespace-separated, so trailing spaces and newlines do not
    matter. With `float_tolerance` > 0 two tokens that both parse as numbers,
    not both as integers, match when they differ by at most that much,
    absolutely or relatively. Integers always compare exactly: a relative
    tolerance would accept 1000000001000 for 1000000000000.
    """
    a = got.split()
    b = expected.encode("utf-8", "surrogateescape").split()
    if len(a) != len(b):
        return False
    for x, y in zip(a, b):
        if x == y:
            continue
        if float_tolerance <= 0 or (_is_int(x) and _is_int(y)):
            return False
        try:
            fx, fy = float(x), float(y)
        except ValueError:
            return False
        if not abs(fx - fy) <= float_tolerance * max(1.0, abs(fy)):
            return False
    return True


def _is_int(token: bytes) -> bool:
    return token.lstrip(b"+-").isdigit()


_ATOMS = frozenset({type(None), bool, int, float, complex, str, bytes})


def to_plain(value: Any, depth: int = 0) -> Any:
    """A returned value as builtins only, so it can cross the process boundary.

    Runs in the sandboxed child: numpy scalars/arrays, deques, Counters and
    OrderedDicts become their builtin equivalents; anything else raises
    TypeError naming the type (the run is then judged WA).
    """
    if depth > 200:
        raise TypeError("returned value is nested more than 200 levels deep")
    t = type(value)
    if t in _ATOMS:
        return value
    if t in (list, tuple, set, frozenset):
        if _ATOMS.issuperset(map(type, value)):  # already plain (checked in C)
            return value
        return t(to_plain(v, depth + 1) for v in value)
    if t is dict:
        return {to_plain(k, depth + 1): to_plain(v, depth + 1) for k, v in value.items()}
    mod = getattr(t, "__module__", "")
    if mod == "numpy" and hasattr(value, "tolist"):
        return to_plain(value.tolist(), depth + 1)
    if isinstance(value, dict):  # Counter, OrderedDict, defaultdict
        return {to_plain(k, depth + 1): to_plain(v, depth + 1) for k, v in value.items()}
    if mod == "collections" and t.__name__ == "deque":
        return [to_plain(v, depth + 1) for v in value]
    for base in (bool, int, float, str, list, tuple):  # subclasses, e.g. IntEnum
        if isinstance(value, base):
            return to_plain(base(value), depth + 1)
    raise TypeError(f"returned a {t.__module__}.{t.__qualname__}, which is not a plain value")


def resolve_entry_point(namespace: dict, entry_point: str) -> Callable:
    """The callable `entry_point` names in a program's globals: "f" or "Class.method".

    LeetCode-style tasks (EffiBench, Mercury, APPS with a `class Solution`
    starter) are called as a method on a fresh instance, as LeetCode's judge
    does, so state cannot leak from one call to the next."""
    owner, _, method = entry_point.partition(".")
    if owner not in namespace:
        raise NameError(f"the program defines no {owner!r} (entry point {entry_point!r})")
    obj = namespace[owner]
    return getattr(obj(), method) if method else obj


OUTPUT_RULES = (None, "is_not_none")


def apply_output_rule(value: Any, rule: str | None) -> Any:
    """What of a returned value is compared. "is_not_none": only whether it is
    None (EvalPlus's rule for MBPP tasks that return re.Match objects)."""
    if rule is None:
        return value
    if rule == "is_not_none":
        return value is not None
    raise ValueError(f"unknown output rule {rule!r}; choose one of {OUTPUT_RULES}")
