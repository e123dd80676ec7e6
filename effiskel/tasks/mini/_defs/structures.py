"""Data-structure tasks: monotonic stacks, heaps, 2D prefix sums."""

from __future__ import annotations

import heapq

from .spec import Task, ac, array_input, fmt, nums, tokens, wrong

# ---- next greater element (monotonic stack) ---------------------------------------


def _next_greater(inp: str) -> str:
    t = tokens(inp)
    a = t[1 : 1 + t[0]]
    res, stack = [-1] * len(a), []
    for i in range(len(a) - 1, -1, -1):
        while stack and stack[-1] <= a[i]:
            stack.pop()
        if stack:
            res[i] = stack[-1]
        stack.append(a[i])
    return " ".join(map(str, res))


def _descending(rng, n: int, hi: int, jitter: int) -> list[int]:
    """A mostly decreasing sequence (next greater elements are far away) with repeats."""
    return [max(1, hi - i * hi // n + rng.randint(-jitter, jitter)) for i in range(n)]


NEXT_GREATER = Task(
    name="next_greater_element",
    difficulty="introductory",
    statement="""
        For every element of a sequence a_1, ..., a_n find the nearest element to
        its right that is strictly greater than it, and print that element's value,
        or -1 if there is none.
    """,
    input_format="""
        The first line contains n (1 <= n <= 1000). The second line contains
        a_1, ..., a_n (1 <= a_i <= 10^9).
    """,
    output_format="Print n integers separated by spaces: the answer for each element, in order.",
    reference=_next_greater,
    example=fmt(6, [2, 7, 3, 5, 4, 6]),
    edge_cases=(
        fmt(1, [42]),
        fmt(5, [3, 3, 3, 3, 3]),
        fmt(6, [5, 1, 5, 2, 5, 9]),
    ),
    large=lambda rng: [
        array_input(rng, 1000, 1, 10**9),
        fmt(1000, _descending(rng, 1000, 5000, 3)),
    ],
    small=lambda rng: array_input(rng, rng.randint(1, 10), 1, 5),
    solutions=(
        ac(
            "scan_right",
            "O(n^2)",
            r"""
            n = int(input())
            a = list(map(int, input().split()))
            res = []
            for i in range(n):
                ans = -1
                for j in range(i + 1, n):
                    if a[j] > a[i]:
                        ans = a[j]
                        break
                res.append(ans)
            print(*res)
        """,
        ),
        ac(
            "scan_right_generator",
            "O(n^2)",
            r"""
            def main():
                n = int(input())
                a = list(map(int, input().split()))
                print(*[next((y for y in a[i + 1:] if y > x), -1) for i, x in enumerate(a)])

            main()
        """,
        ),
        # Jumps over blocks of a sparse table of maxima: from i+1, skip every
        # power-of-two block whose maximum is <= a_i, largest first.
        ac(
            "sparse_table_jumps",
            "O(n log n)",
            r"""
            def main():
                n = int(input())
                a = list(map(int, input().split()))
                table = [a]
                k = 1
                while 2 * k <= n:
                    prev = table[-1]
                    table.append([max(prev[i], prev[i + k]) for i in range(n - 2 * k + 1)])
                    k *= 2
                res = []
                for i in range(n):
                    x = a[i]
                    pos = i + 1
                    for level in range(len(table) - 1, -1, -1):
                        row = table[level]
                        if pos < len(row) and row[pos] <= x:
                            pos += 1 << level
                    res.append(a[pos] if pos < n else -1)
                print(*res)

            main()
        """,
        ),
        ac(
            "stack_left_to_right",
            "O(n)",
            r"""
            import sys

            def main():
                input = sys.stdin.readline
                n = int(input())
                a = list(map(int, input().split()))
                res = [-1] * n
                waiting = []
                for i, x in enumerate(a):
                    while waiting and a[waiting[-1]] < x:
                        res[waiting.pop()] = x
                    waiting.append(i)
                print(" ".join(map(str, res)))

            main()
        """,
        ),
        ac(
            "stack_right_to_left",
            "O(n)",
            r"""
            import sys

            def main():
                data = sys.stdin.buffer.read().split()
                a = list(map(int, data[1:]))
                res = [-1] * len(a)
                stack = []
                for i in range(len(a) - 1, -1, -1):
                    x = a[i]
                    while stack and stack[-1] <= x:
                        stack.pop()
                    if stack:
                        res[i] = stack[-1]
                    stack.append(x)
                sys.stdout.write(" ".join(map(str, res)) + "\n")

            main()
        """,
        ),
        # Pops only strictly smaller values, so an equal value can be reported
        # as "greater".
        wrong(
            "stack_keeps_equal",
            "O(n)",
            r"""
            import sys

            def main():
                data = sys.stdin.buffer.read().split()
                a = list(map(int, data[1:]))
                res = [-1] * len(a)
                stack = []
                for i in range(len(a) - 1, -1, -1):
                    x = a[i]
                    while stack and stack[-1] < x:
                        stack.pop()
                    if stack:
                        res[i] = stack[-1]
                    stack.append(x)
                print(*res)

            main()
        """,
        ),
    ),
)


# ---- priority queue operations (heap) -------------------------------------------------


def _pq(inp: str) -> str:
    lines = inp.split("\n")
    heap: list[int] = []
    out = []
    for line in lines[1 : 1 + int(lines[0])]:
        if line[0] == "+":
            heapq.heappush(heap, int(line[2:]))
        else:
            out.append(str(heapq.heappop(heap)) if heap else "EMPTY")
    return "\n".join(out)


def _pq_input(rng, body: int, size: int, drain: bool) -> str:
    """`body` random operations that keep between `size` and 2*size elements
    once filled, then one pop, or with drain, pops until three past empty."""
    ops, cur = [], 0
    for _ in range(body):
        if cur < size or (cur < 2 * size and rng.random() < 0.5):
            ops.append(f"+ {rng.randint(-(10**6), 10**6)}")
            cur += 1
        else:
            ops.append("-")
            cur -= 1
    ops += ["-"] * (cur + 3 if drain else 1)
    return fmt(len(ops), *ops)


PRIORITY_QUEUE = Task(
    name="priority_queue_ops",
    difficulty="introductory",
    statement="""
        Start with an empty multiset of integers and process q operations:
        "+ x" adds x to the multiset; "-" removes the smallest element and prints
        it, or prints EMPTY if the multiset is empty.
    """,
    input_format="""
        The first line contains q (1 <= q <= 10^4). Each of the next q lines contains
        an operation, "+ x" (|x| <= 10^6) or "-". At least one operation is "-".
    """,
    output_format='Print one line per "-" operation: the removed value or EMPTY.',
    reference=_pq,
    example=fmt(6, "+ 5", "+ 1", "-", "+ 3", "-", "-"),
    edge_cases=(
        fmt(1, "-"),
        fmt(5, "+ 2", "+ 2", "-", "-", "-"),
        fmt(4, "+ -7", "+ 1000000", "-", "-"),
    ),
    large=lambda rng: [
        _pq_input(rng, 5000, 40, True),
        _pq_input(rng, 9999, 60, False),
    ],
    small=lambda rng: _pq_input(rng, rng.randint(1, 10), rng.randint(0, 4), rng.random() < 0.5),
    solutions=(
        ac(
            "scan_for_min",
            "O(q*size)",
            r"""
            q = int(input())
            items = []
            out = []
            for _ in range(q):
                op = input().split()
                if op[0] == "+":
                    items.append(int(op[1]))
                elif not items:
                    out.append("EMPTY")
                else:
                    best = 0
                    for i in range(1, len(items)):
                        if items[i] < items[best]:
                            best = i
                    out.append(str(items[best]))
                    items[best] = items[-1]
                    items.pop()
            print("\n".join(out))
        """,
        ),
        ac(
            "min_and_remove",
            "O(q*size)",
            r"""
            import sys

            def main():
                input = sys.stdin.readline
                q = int(input())
                items = []
                out = []
                for _ in range(q):
                    op = input().split()
                    if op[0] == "+":
                        items.append(int(op[1]))
                    elif items:
                        m = min(items)
                        items.remove(m)
                        out.append(m)
                    else:
                        out.append("EMPTY")
                print("\n".join(map(str, out)))

            main()
        """,
        ),
        ac(
            "sorted_list_insort",
            "O(q*size) memmove",
            r"""
            from bisect import insort

            def main():
                q = int(input())
                items = []
                for _ in range(q):
                    op = input()
                    if op[0] == "+":
                        insort(items, int(op[2:]))
                    elif items:
                        print(items.pop(0))
                    else:
                        print("EMPTY")

            main()
        """,
        ),
        ac(
            "heapq",
            "O(q log size)",
            r"""
            import heapq
            import sys

            def main():
                input = sys.stdin.readline
                q = int(input())
                heap = []
                out = []
                for _ in range(q):
                    op = input().split()
                    if op[0] == "+":
                        heapq.heappush(heap, int(op[1]))
                    elif heap:
                        out.append(heapq.heappop(heap))
                    else:
                        out.append("EMPTY")
                print("\n".join(map(str, out)))

            main()
        """,
        ),
        ac(
            "heapq_bulk_read",
            "O(q log size)",
            r"""
            import sys
            from heapq import heappop, heappush

            def main():
                data = sys.stdin.buffer.read().split()
                heap = []
                out = []
                i = 1
                for _ in range(int(data[0])):
                    if data[i] == b"+":
                        heappush(heap, int(data[i + 1]))
                        i += 2
                    else:
                        out.append(str(heappop(heap)) if heap else "EMPTY")
                        i += 1
                sys.stdout.write("\n".join(out) + "\n")

            main()
        """,
        ),
        # Forgets the empty case: heappop on an empty heap raises IndexError.
        wrong(
            "heapq_no_empty_check",
            "O(q log size)",
            r"""
            import heapq
            import sys

            def main():
                input = sys.stdin.readline
                q = int(input())
                heap = []
                out = []
                for _ in range(q):
                    op = input().split()
                    if op[0] == "+":
                        heapq.heappush(heap, int(op[1]))
                    else:
                        out.append(heapq.heappop(heap))
                print("\n".join(map(str, out)))

            main()
        """,
            verdict="RE",
        ),
    ),
)


# ---- sums of submatrices (2D prefix sums) ----------------------------------------------


def _submatrix(inp: str) -> str:
    t = tokens(inp)
    n, m, q = t[0], t[1], t[2]
    grid = [t[3 + i * m : 3 + (i + 1) * m] for i in range(n)]
    P = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n):
        for j in range(m):
            P[i + 1][j + 1] = grid[i][j] + P[i][j + 1] + P[i + 1][j] - P[i][j]
    qs = t[3 + n * m :]
    out = []
    for k in range(0, 4 * q, 4):
        r1, c1, r2, c2 = qs[k : k + 4]
        out.append(P[r2][c2] - P[r1 - 1][c2] - P[r2][c1 - 1] + P[r1 - 1][c1 - 1])
    return "\n".join(map(str, out))


def _submatrix_input(rng, n: int, m: int, q: int, side: int) -> str:
    rows = [nums(rng, m, -99, 99) for _ in range(n)]
    qs = []
    for _ in range(q):
        h, w = rng.randint(1, min(n, side)), rng.randint(1, min(m, side))
        r1, c1 = rng.randint(1, n - h + 1), rng.randint(1, m - w + 1)
        qs.append((r1, c1, r1 + h - 1, c1 + w - 1))
    return fmt((n, m, q), *rows, *qs)


SUBMATRIX = Task(
    name="submatrix_sums",
    difficulty="introductory",
    statement="""
        You are given an n x m matrix of integers and q queries. A query r1 c1 r2 c2
        asks for the sum of the entries in rows r1..r2 and columns c1..c2.
    """,
    input_format="""
        The first line contains n, m and q (1 <= n, m <= 100, 1 <= q <= 1700). Each of
        the next n lines contains m integers of absolute value at most 1000. Each of
        the next q lines contains a query r1 c1 r2 c2 (1 <= r1 <= r2 <= n,
        1 <= c1 <= c2 <= m, r2 - r1 < 30, c2 - c1 < 30).
    """,
    output_format="Print q lines: the sum for each query, in order.",
    reference=_submatrix,
    example=fmt(
        (3, 4, 3),
        [1, 2, 3, 4],
        [5, 6, 7, 8],
        [9, 10, 11, 12],
        (1, 1, 2, 2),
        (1, 2, 3, 3),
        (2, 1, 3, 4),
    ),
    edge_cases=(
        fmt((1, 1, 1), [-1000], (1, 1, 1, 1)),
        fmt((2, 3, 3), [1, -1, 1], [-1, 1, -1], (2, 2, 2, 3), (1, 1, 2, 3), (2, 1, 2, 1)),
        fmt((3, 3, 2), [0, 0, 0], [0, 7, 0], [0, 0, 0], (2, 2, 3, 3), (2, 1, 2, 3)),
    ),
    large=lambda rng: [
        _submatrix_input(rng, 60, 60, 1000, 30),
        _submatrix_input(rng, 100, 100, 1700, 30),
    ],
    small=lambda rng: _submatrix_input(
        rng, rng.randint(1, 4), rng.randint(1, 4), rng.randint(1, 4), 4
    ),
    solutions=(
        ac(
            "sum_each_cell",
            "O(q*area)",
            r"""
            n, m, q = map(int, input().split())
            grid = [list(map(int, input().split())) for _ in range(n)]
            for _ in range(q):
                r1, c1, r2, c2 = map(int, input().split())
                total = 0
                for r in range(r1 - 1, r2):
                    for c in range(c1 - 1, c2):
                        total += grid[r][c]
                print(total)
        """,
        ),
        ac(
            "sum_row_slices",
            "O(q*area) in C",
            r"""
            import sys

            def main():
                input = sys.stdin.readline
                n, m, q = map(int, input().split())
                grid = [list(map(int, input().split())) for _ in range(n)]
                out = []
                for _ in range(q):
                    r1, c1, r2, c2 = map(int, input().split())
                    out.append(sum(sum(row[c1 - 1:c2]) for row in grid[r1 - 1:r2]))
                print("\n".join(map(str, out)))

            main()
        """,
        ),
        ac(
            "row_prefix_sums",
            "O(n*m + q*rows)",
            r"""
            from itertools import accumulate

            def main():
                n, m, q = map(int, input().split())
                pre = [[0, *accumulate(map(int, input().split()))] for _ in range(n)]
                out = []
                for _ in range(q):
                    r1, c1, r2, c2 = map(int, input().split())
                    total = 0
                    for r in range(r1 - 1, r2):
                        row = pre[r]
                        total += row[c2] - row[c1 - 1]
                    out.append(total)
                print("\n".join(map(str, out)))

            main()
        """,
        ),
        ac(
            "prefix_2d",
            "O(n*m + q)",
            r"""
            import sys

            def main():
                input = sys.stdin.readline
                n, m, q = map(int, input().split())
                P = [[0] * (m + 1) for _ in range(n + 1)]
                for i in range(1, n + 1):
                    row = list(map(int, input().split()))
                    for j in range(1, m + 1):
                        P[i][j] = row[j - 1] + P[i - 1][j] + P[i][j - 1] - P[i - 1][j - 1]
                out = []
                for _ in range(q):
                    r1, c1, r2, c2 = map(int, input().split())
                    out.append(P[r2][c2] - P[r1 - 1][c2] - P[r2][c1 - 1] + P[r1 - 1][c1 - 1])
                print("\n".join(map(str, out)))

            main()
        """,
        ),
        ac(
            "prefix_2d_accumulate",
            "O(n*m + q)",
            r"""
            import sys
            from itertools import accumulate

            def main():
                data = sys.stdin.buffer.read().split()
                n, m, q = int(data[0]), int(data[1]), int(data[2])
                P = [[0] * (m + 1)]
                pos = 3
                for _ in range(n):
                    row = [0, *accumulate(map(int, data[pos:pos + m]))]
                    P.append([x + y for x, y in zip(row, P[-1])])
                    pos += m
                qs = list(map(int, data[pos:pos + 4 * q]))
                out = []
                for k in range(0, 4 * q, 4):
                    r1, c1, r2, c2 = qs[k:k + 4]
                    out.append(P[r2][c2] - P[r1 - 1][c2] - P[r2][c1 - 1] + P[r1 - 1][c1 - 1])
                print("\n".join(map(str, out)))

            main()
        """,
        ),
        # Inclusion-exclusion without adding back the corner block: right only
        # when the query touches row 1 or column 1 (the corner is empty).
        wrong(
            "prefix_2d_no_corner",
            "O(n*m + q)",
            r"""
            import sys
            input = sys.stdin.readline

            n, m, q = map(int, input().split())
            P = [[0] * (m + 1) for _ in range(n + 1)]
            for i in range(1, n + 1):
                row = list(map(int, input().split()))
                for j in range(1, m + 1):
                    P[i][j] = row[j - 1] + P[i - 1][j] + P[i][j - 1] - P[i - 1][j - 1]
            out = []
            for _ in range(q):
                r1, c1, r2, c2 = map(int, input().split())
                out.append(P[r2][c2] - P[r1 - 1][c2] - P[r2][c1 - 1])
            print("\n".join(map(str, out)))
        """,
        ),
    ),
)


# ---- largest rectangle in a histogram (monotonic stack) -----------------------------------


def _histogram(inp: str) -> str:
    t = tokens(inp)
    h = t[1 : 1 + t[0]] + [0]
    best, stack = 0, []  # stack of (start index, height)
    for i, x in enumerate(h):
        start = i
        while stack and stack[-1][1] >= x:
            start, top = stack.pop()
            best = max(best, top * (i - start))
        stack.append((start, x))
    return str(best)


def _rising(rng, n: int, jitter: int) -> list[int]:
    return [max(1, 10 * i + rng.randint(-jitter, jitter)) for i in range(n)]


HISTOGRAM = Task(
    name="histogram_rectangle",
    difficulty="interview",
    statement="""
        A histogram has n bars of width 1 standing side by side; bar i has height
        h_i. Find the area of the largest axis-parallel rectangle that fits inside
        the histogram.
    """,
    input_format="""
        The first line contains n (1 <= n <= 800). The second line contains
        h_1, ..., h_n (1 <= h_i <= 10^9).
    """,
    output_format="Print the largest area.",
    reference=_histogram,
    example=fmt(6, [2, 1, 5, 6, 2, 3]),
    edge_cases=(
        fmt(1, [7]),
        fmt(5, [1, 2, 3, 4, 5]),
        fmt(4, [10**9, 10**9, 10**9, 10**9]),
    ),
    large=lambda rng: [
        array_input(rng, 800, 1, 10**9),
        array_input(rng, 800, 1, 4),
        fmt(800, _rising(rng, 800, 30)),
    ],
    small=lambda rng: array_input(rng, rng.randint(1, 9), 1, 6),
    solutions=(
        ac(
            "all_ranges",
            "O(n^2)",
            r"""
            n = int(input())
            h = list(map(int, input().split()))
            best = 0
            for i in range(n):
                low = h[i]
                for j in range(i, n):
                    if h[j] < low:
                        low = h[j]
                    if low * (j - i + 1) > best:
                        best = low * (j - i + 1)
            print(best)
        """,
        ),
        ac(
            "expand_each_bar",
            "O(n^2)",
            r"""
            def main():
                n = int(input())
                h = list(map(int, input().split()))
                best = 0
                for i in range(n):
                    l = r = i
                    while l > 0 and h[l - 1] >= h[i]:
                        l -= 1
                    while r < n - 1 and h[r + 1] >= h[i]:
                        r += 1
                    best = max(best, h[i] * (r - l + 1))
                print(best)

            main()
        """,
        ),
        # The widest rectangle of a range has the range's lowest bar as height;
        # the others lie left or right of that bar.
        ac(
            "split_at_minimum",
            "O(n log n) average, O(n^2) worst",
            r"""
            def main():
                n = int(input())
                h = list(map(int, input().split()))
                best = 0
                ranges = [(0, n)]
                while ranges:
                    lo, hi = ranges.pop()
                    if lo >= hi:
                        continue
                    m = min(range(lo, hi), key=h.__getitem__)
                    best = max(best, h[m] * (hi - lo))
                    ranges.append((lo, m))
                    ranges.append((m + 1, hi))
                print(best)

            main()
        """,
        ),
        ac(
            "smaller_neighbours",
            "O(n)",
            r"""
            import sys

            def main():
                input = sys.stdin.readline
                n = int(input())
                h = list(map(int, input().split()))
                left = [0] * n
                stack = []
                for i in range(n):
                    while stack and h[stack[-1]] >= h[i]:
                        stack.pop()
                    left[i] = stack[-1] + 1 if stack else 0
                    stack.append(i)
                right = [n] * n
                stack = []
                for i in range(n - 1, -1, -1):
                    while stack and h[stack[-1]] >= h[i]:
                        stack.pop()
                    right[i] = stack[-1] if stack else n
                    stack.append(i)
                print(max(h[i] * (right[i] - left[i]) for i in range(n)))

            main()
        """,
        ),
        ac(
            "stack_one_pass",
            "O(n)",
            r"""
            import sys

            def main():
                h = list(map(int, sys.stdin.buffer.read().split()[1:]))
                h.append(0)  # a zero bar at the end empties the stack
                best = 0
                stack = [-1]
                for i, x in enumerate(h):
                    while stack[-1] >= 0 and h[stack[-1]] >= x:
                        height = h[stack.pop()]
                        width = i - stack[-1] - 1
                        if height * width > best:
                            best = height * width
                    stack.append(i)
                print(best)

            main()
        """,
        ),
        # Without the final zero bar, rectangles still open at the end are never
        # measured: wrong whenever the best one reaches the last bar.
        wrong(
            "stack_not_flushed",
            "O(n)",
            r"""
            import sys

            def main():
                h = list(map(int, sys.stdin.buffer.read().split()[1:]))
                best = 0
                stack = [-1]
                for i, x in enumerate(h):
                    while stack[-1] >= 0 and h[stack[-1]] >= x:
                        height = h[stack.pop()]
                        width = i - stack[-1] - 1
                        if height * width > best:
                            best = height * width
                    stack.append(i)
                print(best)

            main()
        """,
        ),
    ),
)


# ---- longest valid parentheses substring (stack) ------------------------------------------


def _parens(inp: str) -> str:
    s = inp.split()[0]
    best, stack = 0, [-1]
    for i, ch in enumerate(s):
        if ch == "(":
            stack.append(i)
        else:
            stack.pop()
            if stack:
                best = max(best, i - stack[-1])
            else:
                stack.append(i)
    return str(best)


def _paren_string(rng, n: int, p_open: float) -> str:
    return "".join("(" if rng.random() < p_open else ")" for _ in range(n))


PARENS = Task(
    name="longest_valid_parentheses",
    difficulty="interview",
    statement="""
        A string of brackets is valid if every '(' can be matched with a later ')'
        so that the pairs are properly nested, like "(()())". Given a string of
        '(' and ')', find the length of its longest valid substring (0 if there
        is none).
    """,
    input_format="One line with s: 1 to 1200 characters, each '(' or ')'.",
    output_format="Print the length of the longest valid substring.",
    reference=_parens,
    example=fmt("(()"),
    edge_cases=(fmt(")"), fmt("()(()"), fmt("(()))())(")),
    large=lambda rng: [
        fmt(_paren_string(rng, 1200, 0.5)),
        fmt(_paren_string(rng, 1000, 0.52)),
        fmt("(" * 300 + "()" * 300 + ")" * 100),
    ],
    small=lambda rng: fmt(_paren_string(rng, rng.randint(1, 12), 0.5)),
    solutions=(
        ac(
            "scan_each_start",
            "O(n^2)",
            r"""
            s = input().strip()
            n = len(s)
            best = 0
            for i in range(n):
                balance = 0
                for j in range(i, n):
                    balance += 1 if s[j] == "(" else -1
                    if balance < 0:
                        break
                    if balance == 0 and j - i + 1 > best:
                        best = j - i + 1
            print(best)
        """,
        ),
        # Per start, prefix balances in C: the valid prefixes end at zeros
        # before the first -1.
        ac(
            "accumulate_each_start",
            "O(n^2) in C",
            r"""
            from itertools import accumulate

            def main():
                s = input().strip()
                step = [1 if ch == "(" else -1 for ch in s]
                best = 0
                for i in range(len(s)):
                    if s[i] == ")":
                        continue
                    bal = list(accumulate(step[i:]))
                    if -1 in bal:
                        bal = bal[:bal.index(-1)]
                    if 0 in bal:
                        best = max(best, len(bal) - bal[::-1].index(0))
                print(best)

            main()
        """,
        ),
        # With prefix balances b, s[i:e] is valid iff b[e] == b[i] and b stays
        # >= b[i] in between: jump (sparse table of minima) to the first drop
        # below b[i], then take the last equal balance before it.
        ac(
            "prefix_min_jumps",
            "O(n log n)",
            r"""
            from bisect import bisect_left

            def main():
                s = input().strip()
                n = len(s)
                pre = [0] * (n + 1)
                for i, ch in enumerate(s):
                    pre[i + 1] = pre[i] + (1 if ch == "(" else -1)
                table = [pre]
                k = 1
                while 2 * k <= n + 1:
                    prev = table[-1]
                    table.append([min(prev[i], prev[i + k]) for i in range(n + 2 - 2 * k)])
                    k *= 2
                where = {}
                for i, v in enumerate(pre):
                    where.setdefault(v, []).append(i)
                best = 0
                for i in range(n):
                    base = pre[i]
                    j = i + 1
                    for level in range(len(table) - 1, -1, -1):
                        row = table[level]
                        if j < len(row) and row[j] >= base:
                            j += 1 << level
                    ends = where[base]
                    best = max(best, ends[bisect_left(ends, j) - 1] - i)
                print(best)

            main()
        """,
        ),
        ac(
            "dp_ending_here",
            "O(n)",
            r"""
            def main():
                s = input().strip()
                n = len(s)
                dp = [0] * n
                for i in range(1, n):
                    if s[i] == ")":
                        j = i - dp[i - 1] - 1
                        if j >= 0 and s[j] == "(":
                            dp[i] = dp[i - 1] + 2 + (dp[j - 1] if j >= 1 else 0)
                print(max(dp, default=0))

            main()
        """,
        ),
        ac(
            "stack_of_indices",
            "O(n)",
            r"""
            import sys

            def main():
                s = sys.stdin.readline().strip()
                best = 0
                stack = [-1]
                for i, ch in enumerate(s):
                    if ch == "(":
                        stack.append(i)
                    else:
                        stack.pop()
                        if stack:
                            best = max(best, i - stack[-1])
                        else:
                            stack.append(i)
                print(best)

            main()
        """,
        ),
        # Left-to-right counts catch every valid run except those ending with
        # surplus '('; the right-to-left pass catches those.
        ac(
            "two_pass_counters",
            "O(n)",
            r"""
            def longest(s, open_ch):
                best = opened = closed = 0
                for ch in s:
                    if ch == open_ch:
                        opened += 1
                    else:
                        closed += 1
                    if opened == closed:
                        best = max(best, 2 * closed)
                    elif closed > opened:
                        opened = closed = 0
                return best

            s = input().strip()
            print(max(longest(s, "("), longest(s[::-1], ")")))
        """,
        ),
        # Counts every matched pair in the whole string, as if all matched pairs
        # formed one contiguous valid substring.
        wrong(
            "count_matched_pairs",
            "O(n)",
            r"""
            s = input().strip()
            opened = pairs = 0
            for ch in s:
                if ch == "(":
                    opened += 1
                elif opened:
                    opened -= 1
                    pairs += 1
            print(2 * pairs)
        """,
        ),
    ),
)


TASKS = [NEXT_GREATER, PRIORITY_QUEUE, SUBMATRIX, HISTOGRAM, PARENS]
