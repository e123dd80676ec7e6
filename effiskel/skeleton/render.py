"""The character mask all three strategies produce, and its skeleton text.

A `CharMask` holds one kept/masked flag per character of a program (the
`char_mask` column: "1" = skeleton). `render` turns it into the skeleton
text S, `check_skeleton` verifies S against the code independently, and
`SourceLines` converts the (line, column) positions of `tokenize` and `ast`
into character offsets.

Rendering rule, fixed here because the paper only says "masked runs become
<MASK>, indentation is kept":
- Line breaks ("\\n", "\\r\\n", "\\r") are copied unchanged, masked or not, so S
  has the code's line count.
- Within a line, each maximal run of masked characters is taken alone: its
  leading and trailing whitespace (space, tab, form feed) are copied
  unchanged and what lies between becomes exactly one `<MASK>`. A run of
  whitespace only is copied unchanged, so indentation and the spaces
  between kept tokens always survive, and `for i in range(n):` with `i`
  and `n` masked renders as `for <MASK> in range(<MASK>):`.
- Kept characters are copied unchanged.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass

MASK = "<MASK>"
WHITESPACE = " \t\f"  # what Python itself allows between tokens on a line

_BREAK = re.compile(r"[\r\n]")
_LINE = re.compile(r"[^\r\n]*(\r\n|\r|\n|\Z)")
_MASKED_RUN = re.compile(rb"0+")
_KEPT_RUN = re.compile(rb"1+")


class SourceLines:
    """(line, column) positions of one program → offsets into its text.

    Lines end at "\\n", as `tokenize` splits them (and as `ast` does for code
    without a bare "\\r", which the extractors reject). Lines count from 1,
    columns from 0.
    """

    def __init__(self, code: str):
        self.code = code
        self.starts = [0] + [m.end() for m in re.finditer("\n", code)]

    @property
    def count(self) -> int:
        """Number of lines, counting the (maybe empty) text after the last break."""
        return len(self.starts)

    def offset(self, line: int, col: int) -> int:
        """Character offset of a character column (what `tokenize` reports)."""
        return self.starts[line - 1] + col

    def offset_utf8(self, line: int, byte_col: int) -> int:
        """Character offset of a UTF-8 byte column (what `ast` reports)."""
        start = self.starts[line - 1]
        head = self.code[start : start + byte_col]
        if len(head) == byte_col and head.isascii():  # the common case: bytes = characters
            return start + byte_col
        end = self.starts[line] if line < len(self.starts) else len(self.code)
        return start + len(self.code[start:end].encode("utf-8")[:byte_col].decode("utf-8"))

    def line_of(self, offset: int) -> int:
        """Line number holding character `offset`."""
        return bisect_right(self.starts, offset)


@dataclass(frozen=True)
class CharMask:
    """Kept/masked flags, one per character of `code`.

    `bits` holds one ASCII b"1" (kept, part of the skeleton) or b"0" (masked)
    per character, so `to_string` is the `char_mask` column as is.
    """

    code: str
    bits: bytes

    def __post_init__(self):
        if len(self.bits) != len(self.code):
            raise ValueError(f"mask has {len(self.bits)} flags for {len(self.code)} characters")

    @classmethod
    def from_spans(cls, code: str, spans: Iterable[tuple[int, int]]) -> CharMask:
        """Keep the characters of each half-open [start, end) offset span."""
        bits = bytearray(b"0" * len(code))
        for start, end in spans:
            if not 0 <= start <= end <= len(code):
                raise ValueError(f"span [{start}, {end}) outside code of {len(code)} characters")
            bits[start:end] = b"1" * (end - start)
        return cls(code, bytes(bits))

    @classmethod
    def from_string(cls, code: str, flags: str) -> CharMask:
        """Parse a `char_mask` column value back."""
        if flags.strip("01"):
            raise ValueError(f"char_mask may hold only '0' and '1', got {set(flags) - set('01')}")
        return cls(code, flags.encode("ascii"))

    def to_string(self) -> str:
        return self.bits.decode("ascii")

    def __or__(self, other: CharMask) -> CharMask:
        """Union: a character is kept if either mask keeps it."""
        if other.code != self.code:
            raise ValueError("cannot unite masks of different code")
        n = len(self.bits)
        # b"0" | b"1" == b"1" bytewise, so one big-integer OR unites them at C speed.
        union = int.from_bytes(self.bits, "big") | int.from_bytes(other.bits, "big")
        return CharMask(self.code, union.to_bytes(n, "big") if n else b"")

    def kept(self, offset: int) -> bool:
        return self.bits[offset] == ord("1")

    def kept_spans(self) -> list[tuple[int, int]]:
        """Maximal [start, end) runs of kept characters."""
        return [m.span() for m in _KEPT_RUN.finditer(self.bits)]

    def is_subset(self, other: CharMask) -> bool:
        """Every character kept here is kept by `other` too."""
        return (self | other).bits == other.bits


def mask_runs(mask: CharMask) -> list[tuple[int, int]]:
    """The [start, end) spans that become one `<MASK>` each (see module doc)."""
    code = mask.code
    bits = bytearray(mask.bits)
    for m in _BREAK.finditer(code):  # a line break ends every run
        bits[m.start()] = ord("2")
    runs = []
    for m in _MASKED_RUN.finditer(bits):
        start, end = m.span()
        text = code[start:end]
        core = text.strip(WHITESPACE)
        if core:
            lead = len(text) - len(text.lstrip(WHITESPACE))
            runs.append((start + lead, start + lead + len(core)))
    return runs


def render(mask: CharMask) -> str:
    """The skeleton text: kept characters as they are, each masked run as `<MASK>`."""
    out, pos = [], 0
    for start, end in mask_runs(mask):
        out += [mask.code[pos:start], MASK]
        pos = end
    out.append(mask.code[pos:])
    return "".join(out)


def kept_fraction(mask: CharMask, token_spans: Iterable[tuple[int, int]]) -> float:
    """Fraction of tokens with at least one kept character (0.0 for no tokens)."""
    spans = list(token_spans)
    if not spans:
        return 0.0
    kept = sum(b"1" in mask.bits[start:end] for start, end in spans)
    return kept / len(spans)


def _lines(text: str) -> list[tuple[str, str]]:
    """(content, line break) pairs, splitting exactly where `render` does."""
    pairs = [(m.group(0)[: m.start(1) - m.start()], m.group(1)) for m in _LINE.finditer(text)]
    # The pattern also matches the empty text at the very end; drop that match
    # unless the text is empty or ends without a break.
    if len(pairs) > 1 and pairs[-1] == ("", ""):
        pairs.pop()
    return pairs


def check_skeleton(mask: CharMask, skeleton: str) -> None:
    """Verify `skeleton` against the code and mask without re-rendering.

    Reads the skeleton line by line: the text between `<MASK>`s must be the
    code's characters at the same place, with no masked non-whitespace
    character among them, and each `<MASK>` must stand for one whole maximal
    masked run. Raises ValueError naming the first line and column that
    disagree. (A code holding the literal text `<MASK>` cannot pass.)
    """
    code_lines, skel_lines = _lines(mask.code), _lines(skeleton)
    if len(code_lines) != len(skel_lines):
        raise ValueError(f"skeleton has {len(skel_lines)} lines, code has {len(code_lines)}")
    offset = 0
    for number, ((code, brk), (skel, skel_brk)) in enumerate(zip(code_lines, skel_lines), 1):
        if brk != skel_brk:
            raise ValueError(f"line {number}: line break {skel_brk!r} should be {brk!r}")
        _check_line(code, mask.bits[offset : offset + len(code)], skel, number)
        offset += len(code) + len(brk)


def _check_line(code: str, bits: bytes, skel: str, number: int) -> None:
    masked = [b == ord("0") for b in bits]
    pieces = skel.split(MASK)
    pos = 0
    for k, piece in enumerate(pieces):
        if code[pos : pos + len(piece)] != piece:
            raise ValueError(
                f"line {number} col {pos}: skeleton has {piece!r}, code has "
                f"{code[pos : pos + len(piece)]!r}"
            )
        for i in range(pos, pos + len(piece)):
            if masked[i] and code[i] not in WHITESPACE:
                raise ValueError(f"line {number} col {i}: masked {code[i]!r} shown in the skeleton")
        pos += len(piece)
        if k == len(pieces) - 1:
            break
        end = pos
        while end < len(code) and masked[end]:
            end += 1
        core = code[pos:end].rstrip(WHITESPACE)
        if not core or core[0] in WHITESPACE:
            raise ValueError(f"line {number} col {pos}: {MASK} stands for no masked code")
        pos += len(core)
    if pos != len(code):
        raise ValueError(f"line {number}: skeleton ends at col {pos}, code at {len(code)}")
