"""SSS, the Similar Subtree Skeleton (paper §3.2, Algorithm 1 lines 10-14).

normalize_AST replaces identifiers by one placeholder and literals by one
placeholder per literal type: a node's label is its AST type (`Name`,
`BinOp`, `Add`, ...), `Constant` nodes are labelled by value type
(`Constant:int`), identifier strings are dropped and so are the Load/Store/
Del context nodes (they repeat what the parent says). A candidate subtree is
a statement or expression node with at least `min_nodes` nodes. P(a) is the
multiset of (label, depth below a's root) pairs and
sim(a, b) = 2|P(a) ∩ P(b)| / (|P(a)| + |P(b)|), a multiset intersection. A
candidate of C_ref is *shared* if every other solution has a candidate with
sim > threshold. The skeleton keeps the characters of every shared subtree,
which is the union of the maximal ones (plus decorators, the one child AST
places outside its parent's span); so a higher threshold keeps a subset.

Every efficient solution is C_ref in turn (one training tuple each), so
`SharedSearch` indexes all K solutions' candidates once per task and answers
"which candidates of C_i do all the others share" for each i.

Speed (long programs must not go quadratic): a ref candidate inside an
already kept span is skipped (its ancestor was shared); identical profiles
are found by hashing (sim = 1); other pairs are compared only if their sizes
allow sim > threshold (Dice ≤ 2 min(a, b) / (a + b)) and they share a rare
element (prefix filtering, see `_Prefixes`); results are memoized per
distinct profile and other solution, for every choice of C_ref.
`test_pruned_search_equals_the_definition` checks all this against the
definition spelled out naively.
"""

from __future__ import annotations

import ast
import math
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from typing import NamedTuple

from effiskel.skeleton.errors import SkeletonInputError
from effiskel.skeleton.render import CharMask, SourceLines

_CONTEXT = (ast.Load, ast.Store, ast.Del)
_LABELS: dict[str, int] = {}  # label → id; AST has ~130 node types, well under 1 << _DEPTH_SHIFT
_DEPTH_SHIFT = 10  # a (label, depth) pair is the int depth << 10 | label id
_COPY_SHIFT = 24  # the c-th copy of pair k is the element k << 24 | c


class Subtree(NamedTuple):
    """One candidate subtree: its [start, end) character span and its profile P.

    P, a multiset of (label, depth) pairs, is stored as a set by numbering
    the copies of each pair, so |P(a) ∩ P(b)| is a set intersection done
    in C, and equal `elements` mean sim = 1.
    """

    start: int
    end: int
    elements: frozenset[int]
    size: int  # len(elements): the number of nodes


def parse(code: str) -> ast.Module:
    """The AST of `code`; SkeletonInputError naming the problem if it does not parse."""
    try:
        return ast.parse(code)
    except SyntaxError as e:  # IndentationError and NUL bytes included
        raise SkeletonInputError(
            f"does not parse: {e.msg} at line {e.lineno}; fix or drop this solution"
        ) from e
    except UnicodeEncodeError as e:
        raise SkeletonInputError(
            f"is not valid UTF-8 text ({e.reason} at character {e.start}); "
            "decode the source with errors='replace' or drop it"
        ) from e
    except (RecursionError, MemoryError) as e:
        raise SkeletonInputError(f"is nested too deeply to parse ({type(e).__name__})") from e


def _label(node: ast.AST) -> int:
    name = type(node).__name__
    if isinstance(node, ast.Constant):
        name = f"Constant:{type(node.value).__name__}"
    return _LABELS.setdefault(name, len(_LABELS))


def candidates(tree: ast.AST, lines: SourceLines, min_nodes: int = 3) -> list[Subtree]:
    """Statement and expression subtrees with ≥ min_nodes nodes, in pre-order (ancestors first)."""
    # Pre-order numbering makes every subtree a contiguous range of `keys`.
    nodes: list[ast.AST] = []
    keys: list[int] = []
    parents: list[int] = []
    stack = [(tree, 0, -1)]
    while stack:
        node, depth, parent = stack.pop()
        index = len(nodes)
        nodes.append(node)
        keys.append(depth << _DEPTH_SHIFT | _label(node))
        parents.append(parent)
        children = [c for c in ast.iter_child_nodes(node) if not isinstance(c, _CONTEXT)]
        stack.extend((c, depth + 1, index) for c in reversed(children))
    sizes = [1] * len(nodes)
    for i in range(len(nodes) - 1, 0, -1):
        sizes[parents[i]] += sizes[i]

    out = []
    for i, node in enumerate(nodes):
        if sizes[i] < min_nodes or not isinstance(node, (ast.stmt, ast.expr)):
            continue
        base = keys[i] >> _DEPTH_SHIFT << _DEPTH_SHIFT
        start = lines.offset_utf8(node.lineno, node.col_offset)
        end = lines.offset_utf8(node.end_lineno, node.end_col_offset)
        out.append(Subtree(start, end, _elements(k - base for k in keys[i : i + sizes[i]]),
                           sizes[i]))
    return out


def shape(node: ast.AST, start: int, end: int, skip: tuple[str, ...] = ()) -> Subtree:
    """The profile of `node`'s subtree without the children in fields `skip` (of the root
    only), labelled with the [start, end) span given. With no `skip` it equals the
    candidate of that node; TAS compares compound statements by their headers this way."""
    keys = []
    stack = [(node, 0)]
    while stack:
        n, depth = stack.pop()
        keys.append(depth << _DEPTH_SHIFT | _label(n))
        children = ast.iter_child_nodes(n) if n is not node or not skip else (
            c for f, v in ast.iter_fields(n) if f not in skip
            for c in (v if isinstance(v, list) else [v]) if isinstance(c, ast.AST))
        stack.extend((c, depth + 1) for c in children if not isinstance(c, _CONTEXT))
    return Subtree(start, end, _elements(keys), len(keys))


def _elements(keys) -> frozenset[int]:
    """The multiset of (label, depth) keys as a set: the c-th copy of key k is k << 24 | c."""
    profile = Counter(keys)
    return frozenset([k << _COPY_SHIFT | c for k, n in profile.items() for c in range(n)])


def similarity(a: Subtree, b: Subtree) -> float:
    """Dice coefficient of the (label, depth) multisets of two subtrees."""
    return 2 * len(a.elements & b.elements) / (a.size + b.size)


class _Prefixes:
    """Prefix filtering, as in all-pairs similarity joins (Bayardo et al., WWW 2007).

    Order all elements rarest first. Dice > t forces the sizes into
    t·a/(2−t) < b < a(2−t)/t and hence an overlap of at least
    need(a) = ⌊t·a/(2−t)⌋ + 1; two sets that overlap that much share an
    element among their first a − need(a) + 1 rarest. So only pairs sharing
    a prefix element are compared, and prefixes hold the rare elements.
    """

    def __init__(self, subtrees: list[Subtree], threshold: float):
        df: Counter = Counter()
        for s in subtrees:
            df.update(s.elements)
        self.rank = {e: r for r, e in enumerate(sorted(df, key=lambda e: (df[e], e)))}
        self.threshold = threshold

    def __call__(self, s: Subtree) -> list[int]:
        t = self.threshold
        need = math.floor(t * s.size / (2 - t) - 1e-9) + 1  # rounded down: a longer prefix is safe
        return sorted(map(self.rank.__getitem__, s.elements))[: s.size - need + 1]


class _Index:
    """One other solution's distinct candidates: by elements, and by prefix element and size."""

    def __init__(self, subtrees: list[Subtree], prefix: _Prefixes):
        distinct = {s.elements: s for s in subtrees}
        self.sets = distinct.keys()
        postings: dict[int, list[Subtree]] = defaultdict(list)
        for s in sorted(distinct.values(), key=lambda s: s.size):
            for e in prefix(s):
                postings[e].append(s)
        self.postings = {e: (ss, [s.size for s in ss]) for e, ss in postings.items()}

    def has_similar(self, s: Subtree, s_prefix: list[int], threshold: float) -> bool:
        """Whether some candidate here has sim(s, ·) > threshold, for threshold < 1."""
        if s.elements in self.sets:
            return True  # identical profile: sim = 1
        lo = s.size * threshold / (2 - threshold) - 1e-9  # sizes allowing sim > threshold,
        hi = s.size * (2 - threshold) / threshold + 1e-9 if threshold > 0 else math.inf
        seen = set()
        for e in s_prefix:
            subtrees, sizes = self.postings.get(e, _NO_POSTINGS)
            for other in subtrees[bisect_right(sizes, lo) : bisect_left(sizes, hi)]:
                if id(other) not in seen:
                    seen.add(id(other))
                    if similarity(s, other) > threshold:
                        return True
        return False


_NO_POSTINGS: tuple[list, list] = ([], [])


class SharedSearch:
    """The shared candidates of each of a task's solutions against all the others.

    `solutions[i]` is solution i's `candidates` (pre-order). The rare-first element
    order of `_Prefixes` and each solution's `_Index` depend only on the whole set,
    so they are built once per task and serve every choice of C_ref.
    """

    def __init__(self, solutions: list[list[Subtree]], threshold: float):
        self.solutions, self.threshold = solutions, threshold
        self._prefix: _Prefixes | None = None
        self._indexes: list[_Index] = []
        self._memo: dict[tuple[int, frozenset[int]], bool] = {}

    def maximal_shared(self, ref: int) -> list[Subtree]:
        """Shared candidates of solution `ref`, skipping those inside an already shared one.

        An ancestor is decided before its descendants (pre-order). With no other
        solutions every candidate is shared (vacuously); with threshold ≥ 1 none is
        (sim never exceeds 1).
        """
        others = [j for j in range(len(self.solutions)) if j != ref]
        if not others:
            return _outermost(self.solutions[ref], lambda s: True)
        if self.threshold >= 1:
            return []
        if self._prefix is None:
            self._prefix = _Prefixes([s for sub in self.solutions for s in sub], self.threshold)
            self._indexes = [_Index(sub, self._prefix) for sub in self.solutions]
        prefix, indexes, memo, t = self._prefix, self._indexes, self._memo, self.threshold

        def shared(s: Subtree) -> bool:
            p = None
            for j in others:
                key = (j, s.elements)
                if key not in memo:
                    p = prefix(s) if p is None else p
                    memo[key] = indexes[j].has_similar(s, p, t)
                if not memo[key]:
                    return False
            return True

        return _outermost(self.solutions[ref], shared)


def maximal_shared(
    ref: list[Subtree], others: list[list[Subtree]], threshold: float
) -> list[Subtree]:
    """Shared candidates of `ref` against `others` (see `SharedSearch.maximal_shared`)."""
    return SharedSearch([ref, *others], threshold).maximal_shared(0)


def _outermost(ref: list[Subtree], shared) -> list[Subtree]:
    """The subtrees passing `shared`, in pre-order, except those inside an earlier one."""
    covered = bytearray(max((s.end for s in ref), default=0))
    kept = []
    for s in ref:
        if 0 in covered[s.start : s.end] and shared(s):
            kept.append(s)
            covered[s.start : s.end] = b"\x01" * (s.end - s.start)
    return kept


def sss_mask(
    code: str, ref: list[Subtree], others: list[list[Subtree]], threshold: float
) -> CharMask:
    """The SSS mask of reference `code` given every solution's `candidates`."""
    return CharMask.from_spans(
        code, ((s.start, s.end) for s in maximal_shared(ref, others, threshold))
    )
