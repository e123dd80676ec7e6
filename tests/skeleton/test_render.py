"""The character mask, its rendering to skeleton text, and the independent check."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from effiskel.skeleton.render import (
    MASK,
    CharMask,
    SourceLines,
    check_skeleton,
    kept_fraction,
    mask_runs,
    render,
)

CODE_TEXT = st.text(alphabet=" \t\f\nab=(é\r", max_size=60)


@st.composite
def masks(draw) -> CharMask:
    code = draw(CODE_TEXT)
    flags = draw(st.lists(st.booleans(), min_size=len(code), max_size=len(code)))
    return CharMask(code, bytes(b"1"[0] if f else b"0"[0] for f in flags))


def expected_mask_count(mask: CharMask) -> int:
    """Maximal masked runs per line holding something other than whitespace."""
    count = 0
    for line in re.finditer(r"[^\r\n]*", mask.code):
        bits = mask.bits[line.start() : line.end()]
        for run in re.finditer(rb"0+", bits):
            if mask.code[line.start() + run.start() : line.start() + run.end()].strip(" \t\f"):
                count += 1
    return count


def test_render_masks_each_run_once_and_keeps_indentation():
    code = "for i in range(n):\n    total += a[i]\n"
    keep = ["for", "in", "range(", "):", "+=", "[", "]"]
    spans, pos = [], 0
    for word in keep:
        start = code.index(word, pos)
        spans.append((start, start + len(word)))
        pos = start + len(word)
    mask = CharMask.from_spans(code, spans)
    assert render(mask) == "for <MASK> in range(<MASK>):\n    <MASK> += <MASK>[<MASK>]\n"


def test_fully_masked_line_keeps_its_indentation_and_break():
    code = "if x:\r\n\tfoo(1)  \r\n"
    mask = CharMask.from_spans(code, [(0, 5)])
    assert render(mask) == "if x:\r\n\t<MASK>  \r\n"


@given(masks())
def test_render_passes_its_check(mask):
    skeleton = render(mask)
    check_skeleton(mask, skeleton)
    assert skeleton.count(MASK) == expected_mask_count(mask) == len(mask_runs(mask))
    code_lines = re.split(r"\r\n|\r|\n", mask.code)
    skel_lines = re.split(r"\r\n|\r|\n", skeleton)
    assert len(code_lines) == len(skel_lines)
    for code_line, skel_line in zip(code_lines, skel_lines):
        indent = code_line[: len(code_line) - len(code_line.lstrip(" \t\f"))]
        assert skel_line.startswith(indent)


@given(masks())
def test_char_mask_string_round_trip(mask):
    assert CharMask.from_string(mask.code, mask.to_string()) == mask


@given(masks(), st.data())
def test_union_keeps_what_either_keeps(a, data):
    flags = data.draw(st.lists(st.booleans(), min_size=len(a.code), max_size=len(a.code)))
    b = CharMask(a.code, bytes(b"1"[0] if f else b"0"[0] for f in flags))
    union = a | b
    assert all(union.kept(i) == (a.kept(i) or b.kept(i)) for i in range(len(a.code)))
    assert a.is_subset(union) and b.is_subset(union)


@pytest.mark.parametrize(
    "tampered",
    [
        "x = <MASK>\n",  # a kept character swallowed by the mask
        "y = f(<MASK>)\n",  # a kept character changed
        "x = f(1)\n",  # a masked character shown
        "x = f(<MASK><MASK>)\n",  # one run, two masks
        "x = f(<MASK>)",  # line break lost
        "x = f(<MASK>)\n\n",  # a line added
    ],
)
def test_check_rejects_a_wrong_skeleton(tampered):
    code = "x = f(1)\n"
    mask = CharMask.from_spans(code, [(0, 6), (7, 8)])
    assert render(mask) == "x = f(<MASK>)\n"
    with pytest.raises(ValueError):
        check_skeleton(mask, tampered)


def test_code_holding_the_mask_text_cannot_pass_the_check():
    code = 's = "<MASK>"\n'
    mask = CharMask.from_spans(code, [(0, len(code))])
    with pytest.raises(ValueError):
        check_skeleton(mask, render(mask))


def test_utf8_byte_columns_become_character_offsets():
    code = 'é = "ü" + x\n'
    lines = SourceLines(code)
    # ast reports UTF-8 byte columns: x starts at byte 12, character 10.
    assert lines.offset_utf8(1, 12) == code.index("x")
    assert lines.offset(1, 10) == code.index("x")
    mask = CharMask.from_spans(code, [(lines.offset_utf8(1, 12), lines.offset_utf8(1, 13))])
    assert mask.kept_spans() == [(10, 11)]


def test_kept_fraction_counts_tokens_touching_a_kept_character():
    code = "total = a + b"
    mask = CharMask.from_spans(code, [(3, 4), (8, 9)])  # part of `total`, and `a`
    tokens = [(0, 5), (6, 7), (8, 9), (10, 11), (12, 13)]
    assert kept_fraction(mask, tokens) == 2 / 5
    assert kept_fraction(mask, []) == 0.0


def test_mask_rejects_bad_input():
    with pytest.raises(ValueError, match="flags"):
        CharMask("abc", b"01")
    with pytest.raises(ValueError, match="outside"):
        CharMask.from_spans("abc", [(2, 5)])
    with pytest.raises(ValueError, match="only '0' and '1'"):
        CharMask.from_string("abc", "012")
