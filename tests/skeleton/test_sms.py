"""SMS: normalized tokens and the folded common subsequence."""

from __future__ import annotations

import itertools
import tokenize

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from effiskel.skeleton.errors import SkeletonInputError
from effiskel.skeleton.render import render
from effiskel.skeleton.sms import common_positions, lcs_pairs, normalize, sms_mask
from tests.skeleton.programs import programs


def lcs_length(a, b) -> int:
    """The textbook O(nm) DP, as the reference for optimality."""
    row = [0] * (len(b) + 1)
    for x in a:
        prev_diag, row[0] = 0, 0
        for j, y in enumerate(b, 1):
            prev_diag, row[j] = row[j], prev_diag + 1 if x == y else max(row[j], row[j - 1])
    return row[-1]


def is_subsequence(sub, seq) -> bool:
    it = iter(seq)
    return all(x in it for x in sub)


def keys(code: str) -> list[tuple[int, str]]:
    return [(t.type, t.string) for t in normalize(code)]


def test_normalize_drops_layout_and_comments_and_keeps_spans():
    code = "if x:  # why\n    y = 'é'\n"
    tokens = normalize(code)
    assert [t.string for t in tokens] == ["if", "x", ":", "y", "=", "'é'"]
    assert all(code[t.start : t.end] == t.string for t in tokens)
    assert tokens[0].type == tokenize.NAME and tokens[-1].type == tokenize.STRING


@pytest.mark.parametrize("code", ["x = (1,\n", "if x:\n  y\n z\n", "x = $\n"])
def test_normalize_names_the_tokenize_error(code):
    with pytest.raises(SkeletonInputError, match="does not tokenize"):
        normalize(code)


@given(st.lists(st.integers(0, 3), max_size=25), st.lists(st.integers(0, 3), max_size=25))
def test_lcs_pairs_is_an_optimal_common_subsequence(a, b):
    pairs = lcs_pairs(a, b)
    assert all(a[i] == b[j] for i, j in pairs)
    assert all(i1 < i2 and j1 < j2 for (i1, j1), (i2, j2) in itertools.pairwise(pairs))
    assert len(pairs) == lcs_length(a, b)


@settings(max_examples=60, deadline=None)
@given(st.lists(programs(), min_size=1, max_size=5))
def test_fold_is_a_common_subsequence_of_all_k(codes):
    seqs = [keys(c) for c in codes]
    positions = common_positions(seqs[0], seqs[1:])
    assert positions == sorted(set(positions))
    common = [seqs[0][p] for p in positions]
    assert all(is_subsequence(common, s) for s in seqs)
    if len(seqs) == 2:
        assert len(common) == lcs_length(*seqs)


@settings(max_examples=40, deadline=None)
@given(programs(), programs())
def test_mask_keeps_exactly_the_matched_tokens(ref, other):
    tokens = normalize(ref)
    mask = sms_mask(ref, tokens, [normalize(other)])
    kept = [(t.type, t.string) for t in tokens if mask.kept(t.start)]
    assert len(kept) == lcs_length(keys(ref), keys(other))
    assert is_subsequence(kept, keys(other))
    # Only token characters are kept: whitespace and comments never are.
    token_chars = {i for t in tokens for i in range(t.start, t.end)}
    assert all(i in token_chars for s, e in mask.kept_spans() for i in range(s, e))


def test_positions_not_set_membership():
    # `i` is common to both, but only one `i` of the reference is matched.
    ref = "i = i + i\n"
    mask = sms_mask(ref, normalize(ref), [normalize("i = 2\n")])
    assert render(mask) == "i = <MASK>\n"


def test_identical_solutions_keep_every_token():
    code = "n = int(input())\nprint(n * 2)  # double\n"
    mask = sms_mask(code, normalize(code), [normalize(code)] * 4)
    assert render(mask) == "n = int(input())\nprint(n * 2)  <MASK>\n"
