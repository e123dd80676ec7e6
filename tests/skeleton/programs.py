"""Small Python programs for the skeleton tests: hypothesis strategies and a long program.

The grammar is deliberately small (few names, few operators) so that the
programs of one draw share structure and the skeletons are not trivially
empty; it covers nesting, comprehensions, comments, blank lines, multi-line
expressions, same-line bodies and non-ASCII text (UTF-8 byte columns in `ast`).
"""

from __future__ import annotations

import random

from hypothesis import strategies as st

NAMES = st.sampled_from(["a", "b", "i", "n", "s", "é"])
ATOMS = st.one_of(NAMES, st.integers(0, 9).map(str), st.sampled_from(['"x"', '"ü"', "1.5", "None"]))


def _compound(children):
    return st.one_of(
        st.tuples(children, st.sampled_from(["+", "-", "*", "%", "<", "=="]), children).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})"
        ),
        st.tuples(st.sampled_from(["len", "max", "sorted", "sum"]), children).map(
            lambda t: f"{t[0]}({t[1]})"
        ),
        st.tuples(children, children).map(lambda t: f"{t[0]}[{t[1]}]"),
        st.tuples(children, NAMES, children).map(lambda t: f"[{t[0]} for {t[1]} in {t[2]}]"),
    )


EXPRESSIONS = st.recursive(ATOMS, _compound, max_leaves=6)


@st.composite
def programs(draw, max_statements: int = 8) -> str:
    """One syntactically valid program (not meant to run)."""
    lines: list[str] = []
    depth = 0
    for _ in range(draw(st.integers(1, max_statements))):
        pad = "    " * depth
        kind = draw(
            st.sampled_from(["assign", "assign", "aug", "call", "for", "if", "dedent", "extra"])
        )
        e = draw(EXPRESSIONS)
        if kind == "for" and depth < 3:
            lines.append(f"{pad}for {draw(NAMES)} in {e}:")
            depth += 1
            lines.append("    " * depth + f"{draw(NAMES)} = {draw(EXPRESSIONS)}")
        elif kind == "if" and depth < 3:
            lines.append(f"{pad}if {e}:")
            lines.append(f"{pad}    {draw(NAMES)} += 1")
            depth += 1
        elif kind == "dedent" and depth > 0:
            depth -= 1
        elif kind == "aug":
            lines.append(f"{pad}{draw(NAMES)} += {e}")
        elif kind == "call":
            lines.append(f"{pad}print({e}, {draw(EXPRESSIONS)})")
        elif kind == "extra":
            lines.append(
                draw(
                    st.sampled_from(
                        [
                            "",
                            f"{pad}# a comment",
                            f"{pad}x = ({e},\n{pad}     {e})",
                            f"{pad}for j in {e}: n += j",
                            f"{pad}a = 1; b = 2",
                        ]
                    )
                )
            )
        else:
            lines.append(f"{pad}{draw(NAMES)} = {e}")
    return "\n".join(lines) + "\n"


def long_program(seed: int, functions: int = 46) -> str:
    """A ~600-line program: functions of three shapes, with varied names and constants."""
    rnd = random.Random(seed)

    def n() -> str:
        return rnd.choice(["a", "b", "c", "d", "total", "acc", "best", "xs"])

    def k() -> int:
        return rnd.randint(1, 9)

    shapes = [
        lambda f: [
            f"def f{f}({n()}, {n()}):",
            f"    {n()} = [0] * ({n()} + {k()})",
            f"    for i in range(1, len({n()})):",
            f"        {n()}[i] = {n()}[i - 1] + i * {k()}",
            f"        if {n()}[i] % {k()} == 0:",
            f"            {n()} += {n()}[i] // {k()}",
            "        else:",
            f"            {n()} = max({n()}, {n()}[i] {rnd.choice('+-*')} {n()})",
            f"    while {n()} > {k()}:",
            f"        {n()} = {n()} {rnd.choice(['//', '-', '>>'])} 2",
            f"    d = {{k: {n()}.count(k) for k in set({n()})}}",
            f"    return sorted(d.items(), key=lambda kv: (-kv[1], kv[0]))[:{k()}]",
        ],
        lambda f: [
            f"def f{f}({n()}, {n()}):",
            f"    lo, hi = 0, len({n()}) - {k()}",
            "    while lo < hi:",
            "        mid = (lo + hi) // 2",
            f"        if {n()}[mid] < {n()} * {k()}:",
            "            lo = mid + 1",
            "        else:",
            "            hi = mid",
            f"    {n()} = {{}}",
            f"    for ch in str({n()}):",
            f"        {n()}[ch] = {n()}.get(ch, 0) + {k()}",
            f"    return lo + sum({n()}.values())",
        ],
        lambda f: [
            f"def f{f}({n()}, {n()}):",
            f"    grid = [[(r * {k()} + c) % {k()} for c in range({n()})] for r in range({n()})]",
            f"    {n()} = 0",
            "    for row in grid:",
            f"        {n()} += sum(v for v in row if v > {k()})",
            "    try:",
            f"        {n()} = {n()} // len(grid)",
            "    except ZeroDivisionError:",
            f"        {n()} = -{k()}",
            f'    text = f"{{{n()}}}-{{len(grid)}}"',
            f"    {n()} = [x for x in text if x.isdigit()]",
            f"    return ({n()}, {n()} ** 2 - {k()})",
        ],
    ]
    out = ["import sys", ""]
    for f in range(functions):
        out += rnd.choice(shapes)(f) + [""]
    out.append("print(" + " + ".join(f"len(str(f{f}(1, 2)))" for f in range(functions)) + ")")
    return "\n".join(out) + "\n"
