"""The call-mode value codec (Python literal text) and entry points (effiskel.sandbox.values)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from effiskel.sandbox.values import from_literal, resolve_entry_point, to_literal


def _same(a, b) -> bool:
    """Equal with the same types all the way down; nan equals nan, -0.0 is not 0.0."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return (math.isnan(a) and math.isnan(b)) or (
            a == b and math.copysign(1, a) == math.copysign(1, b)
        )
    if isinstance(a, complex):
        return _same(a.real, b.real) and _same(a.imag, b.imag)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(map(_same, a, b))
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    return a == b  # sets, frozensets, scalars


hashable = st.one_of(
    st.none(), st.booleans(), st.integers(), st.text(), st.binary(), st.floats(allow_nan=False)
)
values = st.recursive(
    st.one_of(
        hashable,
        st.floats(),
        st.complex_numbers(),
        st.integers(min_value=-(10**5000), max_value=10**5000),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.lists(inner, max_size=4).map(tuple),
        st.sets(hashable, max_size=4),
        st.frozensets(st.one_of(hashable, st.tuples(hashable, hashable)), max_size=4),
        st.dictionaries(hashable, inner, max_size=4),
    ),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(values)
def test_literal_round_trip_keeps_value_and_types(value):
    text = to_literal(value)
    assert _same(from_literal(text), value), text
    assert to_literal(from_literal(text)) == text  # one value, one text (stable ids)


def test_literal_spells_special_values_as_calls():
    assert (
        to_literal([float("inf"), -math.inf, set(), (1,), frozenset()])
        == "[float('inf'), float('-inf'), set(), (1,), frozenset()]"
    )
    assert math.isnan(from_literal("float('nan')"))
    assert from_literal("(1+2j)") == 1 + 2j  # repr(complex), as other writers spell it


def test_literal_refuses_what_it_cannot_hold_and_never_runs_code():
    with pytest.raises(TypeError, match="object"):
        to_literal([object()])
    for text in (
        "__import__('os').system('true')",
        "open('x')",
        "(lambda: 1)()",
        "x.y",
        "[x for x in ()]",
        "float(1) + 1",
    ):
        with pytest.raises(ValueError):
            from_literal(text)


def test_resolve_entry_point_makes_a_fresh_instance_per_call():
    namespace: dict = {}
    exec(  # noqa: S102 - a fixed test program
        "class Solution:\n    def __init__(self):\n        self.n = 0\n"
        "    def bump(self):\n        self.n += 1\n        return self.n\n",
        namespace,
    )
    assert [resolve_entry_point(namespace, "Solution.bump")() for _ in range(2)] == [1, 1]
    with pytest.raises(NameError, match="Solution"):
        resolve_entry_point({}, "Solution.bump")


def test_fast_paths_agree_with_the_parser_and_the_recursive_comparison():
    """Lists of numbers (the big outputs) are written and read by json, and equal
    values compared by Python's ==: the results must be what the slow paths give."""
    import ast
    import random

    from effiskel.sandbox.values import literal_node, values_equal

    rng = random.Random(3)
    for _ in range(2000):
        v = [rng.choice([rng.randint(-10**20, 10**20), rng.random() * 1e10, -0.0, 2**12000,
                         [rng.randint(0, 9)], []]) for _ in range(rng.randrange(6))]
        text = to_literal(v)
        slow = literal_node(ast.parse(text, mode="eval").body)  # the parser, no fast path
        fast = from_literal(text)
        assert to_literal(slow) == to_literal(fast) and text == to_literal(fast)
        assert values_equal(fast, slow)
    for text in ("[1, 2, ]", "00", "1-2", "--5", ".5", "5.", "1 2"):  # not JSON: the parser decides
        try:
            expected = literal_node(ast.parse(text.strip(), mode="eval").body)
        except (ValueError, SyntaxError):
            with pytest.raises(ValueError):
                from_literal(text)
        else:
            assert from_literal(text) == expected
    assert to_literal([1.0, float("nan")]) == "[1.0, float('nan')]"
    for big in (2**12000, -(2**12000), 2**12000 - 1):  # the widest decimal, and hex beyond it
        assert to_literal([big]) == f"[{to_literal(big)}]"
        assert to_literal([[1], [big]]) == f"[[1], [{to_literal(big)}]]"
    assert not values_equal(10**5000, 1.5) and not values_equal([2.5], [10**400])
    assert values_equal([1, [2.0000001]], [1, [2]]) and not values_equal([1, 2], (1, 2))
