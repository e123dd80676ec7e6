"""Array tasks: prefix sums, hashing, sorting, counting, sliding windows, intervals."""

from __future__ import annotations

from collections import Counter

from .spec import Task, ac, array_input, fmt, nums, ranges, tokens, wrong

# ---- range sums (prefix sums) --------------------------------------------------


def _range_sum(inp: str) -> str:
    t = tokens(inp)
    n, q = t[0], t[1]
    prefix = [0]
    for x in t[2 : 2 + n]:
        prefix.append(prefix[-1] + x)
    qs = t[2 + n :]
    return "\n".join(str(prefix[qs[i + 1]] - prefix[qs[i] - 1]) for i in range(0, 2 * q, 2))


def _range_sum_input(rng, n: int, q: int, max_len: int) -> str:
    return fmt((n, q), nums(rng, n, -(10**4), 10**4), *ranges(rng, n, q, max_len))


RANGE_SUM = Task(
    name="range_sum",
    difficulty="introductory",
    statement="""
        You are given an array of n integers a_1, a_2, ..., a_n and q queries. Each
        query is a pair l, r; answer it with the sum a_l + a_{l+1} + ... + a_r.
    """,
    input_format="""
        The first line contains n and q (1 <= n, q <= 4000). The second line contains
        a_1, ..., a_n (|a_i| <= 10^9). Each of the next q lines contains a query
        l r (1 <= l <= r <= n, r - l < 150).
    """,
    output_format="Print q lines: the answer to each query, in order.",
    reference=_range_sum,
    example=fmt((5, 3), [3, -1, 4, 1, 5], (2, 4), (3, 3), (2, 5)),
    edge_cases=(
        fmt((1, 1), [-7], (1, 1)),
        fmt((6, 4), [10**9] * 3 + [-(10**9)] * 3, (1, 6), (1, 3), (4, 6), (3, 4)),
        fmt((4, 3), [1, 2, 3, 4], (1, 1), (1, 4), (4, 4)),
    ),
    large=lambda rng: [
        _range_sum_input(rng, 2000, 2000, 150),
        _range_sum_input(rng, 4000, 4000, 150),
    ],
    small=lambda rng: _range_sum_input(rng, rng.randint(1, 8), rng.randint(1, 8), 8),
    solutions=(
        ac(
            "naive_loop",
            "O(n*q)",
            r"""
            n, q = map(int, input().split())
            a = list(map(int, input().split()))
            for _ in range(q):
                l, r = map(int, input().split())
                total = 0
                for i in range(l - 1, r):
                    total += a[i]
                print(total)
        """,
        ),
        ac(
            "sqrt_blocks",
            "O(n + q*sqrt(n))",
            r"""
            import math
            import sys

            def main():
                input = sys.stdin.readline
                n, q = map(int, input().split())
                a = list(map(int, input().split()))
                size = max(1, math.isqrt(n))
                blocks = [sum(a[i:i + size]) for i in range(0, n, size)]
                out = []
                for _ in range(q):
                    l, r = map(int, input().split())
                    i, total = l - 1, 0
                    while i < r and i % size:
                        total += a[i]
                        i += 1
                    while i + size <= r:
                        total += blocks[i // size]
                        i += size
                    while i < r:
                        total += a[i]
                        i += 1
                    out.append(total)
                print("\n".join(map(str, out)))

            main()
        """,
        ),
        ac(
            "slice_sum",
            "O(n*q)",
            r"""
            import sys
            input = sys.stdin.readline

            n, q = map(int, input().split())
            a = list(map(int, input().split()))
            out = []
            for _ in range(q):
                l, r = map(int, input().split())
                out.append(sum(a[l - 1:r]))
            print("\n".join(map(str, out)))
        """,
        ),
        ac(
            "prefix_loop",
            "O(n + q)",
            r"""
            import sys
            input = sys.stdin.readline

            n, q = map(int, input().split())
            a = list(map(int, input().split()))
            prefix = [0] * (n + 1)
            for i in range(n):
                prefix[i + 1] = prefix[i] + a[i]
            out = []
            for _ in range(q):
                l, r = map(int, input().split())
                out.append(prefix[r] - prefix[l - 1])
            print("\n".join(map(str, out)))
        """,
        ),
        ac(
            "prefix_accumulate",
            "O(n + q)",
            r"""
            import sys
            from itertools import accumulate

            data = sys.stdin.buffer.read().split()
            n, q = int(data[0]), int(data[1])
            prefix = [0, *accumulate(map(int, data[2:2 + n]))]
            qs = list(map(int, data[2 + n:]))
            print("\n".join([str(prefix[r] - prefix[l - 1]) for l, r in zip(qs[::2], qs[1::2])]))
        """,
        ),
        # prefix[i] holds a_1..a_{i+1}; for l = 1 the code reads prefix[-1],
        # Python's last element (the whole sum), instead of 0.
        wrong(
            "prefix_negative_index",
            "O(n + q)",
            r"""
            import sys
            input = sys.stdin.readline

            n, q = map(int, input().split())
            a = list(map(int, input().split()))
            prefix = []
            running = 0
            for x in a:
                running += x
                prefix.append(running)
            out = []
            for _ in range(q):
                l, r = map(int, input().split())
                out.append(prefix[r - 1] - prefix[l - 2])
            print("\n".join(map(str, out)))
        """,
        ),
    ),
)


# ---- pairs with a given sum (hashing) ------------------------------------------


def _pair_sum(inp: str) -> str:
    t = tokens(inp)
    k, a = t[1], t[2:]
    cnt = Counter(a)
    total = 0
    for x, c in cnt.items():
        y = k - x
        if x < y:
            total += c * cnt[y] if y in cnt else 0
        elif x == y:
            total += c * (c - 1) // 2
    return str(total)


def _pair_sum_input(rng, n: int, spread: int, k: int | None = None) -> str:
    a = nums(rng, n, -spread, spread)
    if k is None:
        k = rng.choice(a) + rng.choice(a)
    return fmt((n, k), a)


PAIR_SUM = Task(
    name="pair_sum_count",
    difficulty="introductory",
    statement="""
        Given n integers a_1, ..., a_n and a target k, count the pairs of indices
        (i, j) with i < j and a_i + a_j = k.
    """,
    input_format="""
        The first line contains n and k (1 <= n <= 2000, |k| <= 2*10^9). The second
        line contains a_1, ..., a_n (|a_i| <= 10^9).
    """,
    output_format="Print the number of pairs.",
    reference=_pair_sum,
    example=fmt((6, 7), [1, 6, 3, 4, 5, 2]),
    edge_cases=(
        fmt((1, 2), [1]),
        fmt((5, 4), [2, 2, 2, 2, 2]),
        fmt((4, 0), [10**9, -(10**9), 5, -5]),
    ),
    large=lambda rng: [
        _pair_sum_input(rng, 1400, 10**9),
        _pair_sum_input(rng, 1400, 200, k=0),
        _pair_sum_input(rng, 1400, 300),
    ],
    small=lambda rng: _pair_sum_input(rng, rng.randint(1, 9), rng.randint(1, 5)),
    solutions=(
        ac(
            "double_loop",
            "O(n^2)",
            r"""
            def main():
                n, k = map(int, input().split())
                a = list(map(int, input().split()))
                count = 0
                for i in range(n):
                    for j in range(i + 1, n):
                        if a[i] + a[j] == k:
                            count += 1
                print(count)

            main()
        """,
        ),
        ac(
            "suffix_count",
            "O(n^2)",
            r"""
            def main():
                n, k = map(int, input().split())
                a = list(map(int, input().split()))
                count = 0
                for i in range(n):
                    count += a[i + 1:].count(k - a[i])
                print(count)

            main()
        """,
        ),
        ac(
            "sort_bisect",
            "O(n log n)",
            r"""
            from bisect import bisect_left, bisect_right

            def main():
                n, k = map(int, input().split())
                a = sorted(map(int, input().split()))
                count = 0
                for i in range(n):
                    need = k - a[i]
                    count += bisect_right(a, need, i + 1) - bisect_left(a, need, i + 1)
                print(count)

            main()
        """,
        ),
        ac(
            "two_pointers_runs",
            "O(n log n)",
            r"""
            n, k = map(int, input().split())
            a = sorted(map(int, input().split()))
            count = 0
            i, j = 0, n - 1
            while i < j:
                s = a[i] + a[j]
                if s < k:
                    i += 1
                elif s > k:
                    j -= 1
                elif a[i] == a[j]:
                    m = j - i + 1
                    count += m * (m - 1) // 2
                    break
                else:
                    x, y = a[i], a[j]
                    ci = cj = 0
                    while a[i] == x:
                        i += 1
                        ci += 1
                    while a[j] == y:
                        j -= 1
                        cj += 1
                    count += ci * cj
            print(count)
        """,
        ),
        ac(
            "hash_one_pass",
            "O(n)",
            r"""
            def main():
                n, k = map(int, input().split())
                a = list(map(int, input().split()))
                seen = {}
                count = 0
                for x in a:
                    count += seen.get(k - x, 0)
                    seen[x] = seen.get(x, 0) + 1
                print(count)

            main()
        """,
        ),
        ac(
            "counter_pairs",
            "O(n)",
            r"""
            import sys
            from collections import Counter

            def main():
                n, k, *a = map(int, sys.stdin.buffer.read().split())
                cnt = Counter(a)
                count = 0
                for x, c in cnt.items():
                    y = k - x
                    if x < y:
                        count += c * cnt.get(y, 0)
                    elif x == y:
                        count += c * (c - 1) // 2
                print(count)

            main()
        """,
        ),
        # Moves both pointers after a match, as if all values were distinct:
        # with duplicates it misses the pairs between equal runs.
        wrong(
            "two_pointers_distinct",
            "O(n log n)",
            r"""
            def main():
                n, k = map(int, input().split())
                a = sorted(map(int, input().split()))
                count = 0
                i, j = 0, n - 1
                while i < j:
                    s = a[i] + a[j]
                    if s == k:
                        count += 1
                        i += 1
                        j -= 1
                    elif s < k:
                        i += 1
                    else:
                        j -= 1
                print(count)

            main()
        """,
        ),
    ),
)


# ---- union of intervals ------------------------------------------------------------


def _interval_union(inp: str) -> str:
    t = tokens(inp)
    intervals = sorted(zip(t[1 : 1 + 2 * t[0] : 2], t[2 : 2 + 2 * t[0] : 2]))
    blocks, covered = 0, 0
    cur_lo, cur_hi = intervals[0]
    for lo, hi in intervals[1:] + [(None, None)]:
        if lo is not None and lo <= cur_hi + 1:  # overlapping or touching
            cur_hi = max(cur_hi, hi)
        else:
            blocks, covered = blocks + 1, covered + cur_hi - cur_lo + 1
            cur_lo, cur_hi = lo, hi
    return f"{blocks} {covered}"


def _intervals_input(rng, n: int, top: int, max_len: int) -> str:
    rows = []
    for _ in range(n):
        length = rng.randint(1, min(max_len, top))
        start = rng.randint(1, top - length + 1)
        rows.append((start, start + length - 1))
    return fmt(n, *rows)


INTERVAL_UNION = Task(
    name="interval_union",
    difficulty="introductory",
    statement="""
        Each of n closed intervals [l, r] covers the integer points l, l+1, ..., r.
        Consider all points covered by at least one interval. Print how many
        maximal blocks of consecutive covered points there are, and how many
        points are covered in total.
    """,
    input_format="""
        The first line contains n (1 <= n <= 3000). Each of the next n lines contains
        l and r (1 <= l <= r <= 200000).
    """,
    output_format="Print two integers: the number of blocks and the number of covered points.",
    reference=_interval_union,
    example=fmt(4, (1, 3), (2, 5), (8, 9), (12, 12)),
    edge_cases=(
        fmt(1, (7, 7)),
        fmt(3, (1, 2), (3, 4), (6, 6)),
        fmt(3, (5, 10), (1, 20), (20, 21)),
    ),
    large=lambda rng: [
        _intervals_input(rng, 2000, 200000, 20),
        _intervals_input(rng, 3000, 200000, 230),
    ],
    small=lambda rng: _intervals_input(rng, rng.randint(1, 6), rng.randint(1, 15), 4),
    solutions=(
        ac(
            "mark_points",
            "O(sum of lengths + max r)",
            r"""
            n = int(input())
            intervals = [tuple(map(int, input().split())) for _ in range(n)]
            top = max(r for _, r in intervals)
            covered = [False] * (top + 2)
            for l, r in intervals:
                for x in range(l, r + 1):
                    covered[x] = True
            blocks = total = 0
            for x in range(1, top + 1):
                if covered[x]:
                    total += 1
                    if not covered[x - 1]:
                        blocks += 1
            print(blocks, total)
        """,
        ),
        ac(
            "difference_array",
            "O(n + max r)",
            r"""
            def main():
                n = int(input())
                intervals = [tuple(map(int, input().split())) for _ in range(n)]
                top = max(r for _, r in intervals)
                diff = [0] * (top + 2)
                for l, r in intervals:
                    diff[l] += 1
                    diff[r + 1] -= 1
                blocks = total = depth = 0
                inside = False
                for x in range(1, top + 1):
                    depth += diff[x]
                    if depth > 0:
                        total += 1
                        if not inside:
                            blocks += 1
                        inside = True
                    else:
                        inside = False
                print(blocks, total)

            main()
        """,
        ),
        # At equal coordinates openings sort before closings (key -delta), so
        # touching intervals never drop the depth to zero.
        ac(
            "sweep_events",
            "O(n log n)",
            r"""
            import sys

            def main():
                input = sys.stdin.readline
                n = int(input())
                events = []
                for _ in range(n):
                    l, r = map(int, input().split())
                    events.append((l, -1))
                    events.append((r + 1, 1))
                events.sort()
                blocks = total = depth = start = 0
                for x, closing in events:
                    if closing == -1:
                        if depth == 0:
                            start = x
                        depth += 1
                    else:
                        depth -= 1
                        if depth == 0:
                            blocks += 1
                            total += x - start
                print(blocks, total)

            main()
        """,
        ),
        ac(
            "sort_and_merge",
            "O(n log n)",
            r"""
            def main():
                n = int(input())
                intervals = sorted(tuple(map(int, input().split())) for _ in range(n))
                blocks = total = 0
                cur_l, cur_r = intervals[0]
                for l, r in intervals[1:]:
                    if l <= cur_r + 1:
                        if r > cur_r:
                            cur_r = r
                    else:
                        blocks += 1
                        total += cur_r - cur_l + 1
                        cur_l, cur_r = l, r
                print(blocks + 1, total + cur_r - cur_l + 1)

            main()
        """,
        ),
        # Marks with slice assignment; point 0 is never covered, so each block
        # starts with the byte pair 00 01.
        ac(
            "mark_slices",
            "O(sum of lengths + max r) in C",
            r"""
            import sys

            data = list(map(int, sys.stdin.buffer.read().split()))
            ls, rs = data[1::2], data[2::2]
            covered = bytearray(max(rs) + 2)
            for l, r in zip(ls, rs):
                covered[l:r + 1] = b"\x01" * (r - l + 1)
            print(covered.count(b"\x00\x01"), covered.count(1))
        """,
        ),
        # Merges only overlapping intervals: [1, 2] and [3, 4] touch and cover
        # one block of points, but stay two blocks here.
        wrong(
            "merge_overlapping_only",
            "O(n log n)",
            r"""
            def main():
                n = int(input())
                intervals = sorted(tuple(map(int, input().split())) for _ in range(n))
                blocks = total = 0
                cur_l, cur_r = intervals[0]
                for l, r in intervals[1:]:
                    if l <= cur_r:
                        cur_r = max(cur_r, r)
                    else:
                        blocks += 1
                        total += cur_r - cur_l + 1
                        cur_l, cur_r = l, r
                print(blocks + 1, total + cur_r - cur_l + 1)

            main()
        """,
        ),
    ),
)


# ---- most frequent value (counting) -------------------------------------------------


def _most_frequent(inp: str) -> str:
    cnt = Counter(tokens(inp)[1:])
    value, count = min(cnt.items(), key=lambda kv: (-kv[1], kv[0]))
    return f"{value} {count}"


def _frequent_input(rng, distinct: int, max_count: int, ties: int) -> str:
    """`ties` values share the top count; shuffled until the first of them to
    appear is not the smallest (so first-seen tie-breaking is caught)."""
    values = rng.sample(range(-(10**9), 10**9), distinct)
    counts = [rng.randint(1, max_count) for _ in values]
    for i in range(ties):
        counts[i] = max_count + 1
    a = [v for v, c in zip(values, counts) for _ in range(c)]
    top = set(values[:ties])
    while True:
        rng.shuffle(a)
        first = next(x for x in a if x in top)
        if ties == 1 or first != min(top):
            return fmt(len(a), a)


MOST_FREQUENT = Task(
    name="most_frequent_value",
    difficulty="introductory",
    statement="""
        Find the value that occurs most often in a sequence of n integers. If
        several values occur equally often, choose the smallest of them.
    """,
    input_format="""
        The first line contains n (1 <= n <= 2100). The second line contains
        a_1, ..., a_n (|a_i| <= 10^9).
    """,
    output_format="Print the value and the number of times it occurs.",
    reference=_most_frequent,
    example=fmt(7, [4, -1, 4, 2, -1, 3, 4]),
    edge_cases=(
        fmt(1, [-5]),
        fmt(6, [9, 9, 2, 2, 7, 7]),
        fmt(5, [3, 1, 2, 5, 4]),
    ),
    large=lambda rng: [
        _frequent_input(rng, 2000, 1, 1),
        _frequent_input(rng, 400, 6, 4),
        _frequent_input(rng, 230, 16, 3),
    ],
    small=lambda rng: array_input(rng, rng.randint(1, 9), -3, 3),
    solutions=(
        ac(
            "count_each",
            "O(n^2)",
            r"""
            n = int(input())
            a = list(map(int, input().split()))
            best, best_count = None, 0
            for x in a:
                c = a.count(x)
                if c > best_count or (c == best_count and x < best):
                    best, best_count = x, c
            print(best, best_count)
        """,
        ),
        ac(
            "count_each_distinct",
            "O(n*d)",
            r"""
            def main():
                n = int(input())
                a = list(map(int, input().split()))
                best, best_count = None, 0
                for x in sorted(set(a)):
                    c = a.count(x)
                    if c > best_count:
                        best, best_count = x, c
                print(best, best_count)

            main()
        """,
        ),
        ac(
            "sort_runs",
            "O(n log n)",
            r"""
            n = int(input())
            a = sorted(map(int, input().split()))
            best, best_count = a[0], 0
            i = 0
            while i < n:
                j = i
                while j < n and a[j] == a[i]:
                    j += 1
                if j - i > best_count:
                    best, best_count = a[i], j - i
                i = j
            print(best, best_count)
        """,
        ),
        ac(
            "dict_count",
            "O(n)",
            r"""
            import sys

            def main():
                input = sys.stdin.readline
                n = int(input())
                counts = {}
                for x in map(int, input().split()):
                    counts[x] = counts.get(x, 0) + 1
                best = min(counts, key=lambda v: (-counts[v], v))
                print(best, counts[best])

            main()
        """,
        ),
        ac(
            "counter_max",
            "O(n)",
            r"""
            import sys
            from collections import Counter

            counts = Counter(sys.stdin.buffer.read().split()[1:])
            top = max(counts.values())
            print(min(int(v) for v, c in counts.items() if c == top), top)
        """,
        ),
        # most_common() breaks ties by first appearance, not by value.
        wrong(
            "most_common_first_seen",
            "O(n)",
            r"""
            from collections import Counter

            n = int(input())
            value, count = Counter(map(int, input().split())).most_common(1)[0]
            print(value, count)
        """,
        ),
    ),
)


# ---- inversions (sorting) ------------------------------------------------------------


def _inversions(inp: str) -> str:
    t = tokens(inp)
    a = t[1 : 1 + t[0]]

    def sort(xs: list[int]) -> tuple[list[int], int]:
        if len(xs) <= 1:
            return xs, 0
        left, x = sort(xs[: len(xs) // 2])
        right, y = sort(xs[len(xs) // 2 :])
        merged, inv, i, j = [], x + y, 0, 0
        while i < len(left) and j < len(right):
            if left[i] <= right[j]:
                merged.append(left[i])
                i += 1
            else:
                merged.append(right[j])
                inv += len(left) - i
                j += 1
        return merged + left[i:] + right[j:], inv

    return str(sort(a)[1])


INVERSIONS = Task(
    name="count_inversions",
    difficulty="interview",
    statement="""
        An inversion of a sequence a_1, ..., a_n is a pair of indices i < j with
        a_i > a_j. Count the inversions.
    """,
    input_format="""
        The first line contains n (1 <= n <= 1500). The second line contains
        a_1, ..., a_n (|a_i| <= 10^9).
    """,
    output_format="Print the number of inversions.",
    reference=_inversions,
    example=fmt(5, [2, 4, 1, 3, 5]),
    edge_cases=(
        fmt(1, [0]),
        fmt(4, [3, 3, 3, 3]),
        fmt(6, [6, 5, 4, 3, 2, 1]),
    ),
    large=lambda rng: [
        array_input(rng, 1500, -(10**9), 10**9),
        array_input(rng, 1500, 1, 50),
    ],
    small=lambda rng: array_input(rng, rng.randint(1, 9), 1, 4),
    solutions=(
        ac(
            "double_loop",
            "O(n^2)",
            r"""
            def main():
                n = int(input())
                a = list(map(int, input().split()))
                count = 0
                for i in range(n):
                    for j in range(i + 1, n):
                        if a[i] > a[j]:
                            count += 1
                print(count)

            main()
        """,
        ),
        ac(
            "count_smaller_after",
            "O(n^2)",
            r"""
            def main():
                n = int(input())
                a = list(map(int, input().split()))
                print(sum(len([y for y in a[i + 1:] if y < x]) for i, x in enumerate(a)))

            main()
        """,
        ),
        ac(
            "merge_sort",
            "O(n log n)",
            r"""
            import sys

            def sort(a):
                if len(a) <= 1:
                    return a, 0
                mid = len(a) // 2
                left, x = sort(a[:mid])
                right, y = sort(a[mid:])
                merged = []
                count = x + y
                i = j = 0
                while i < len(left) and j < len(right):
                    if left[i] <= right[j]:
                        merged.append(left[i])
                        i += 1
                    else:
                        merged.append(right[j])
                        count += len(left) - i
                        j += 1
                merged += left[i:]
                merged += right[j:]
                return merged, count

            n = int(sys.stdin.readline())
            print(sort(list(map(int, sys.stdin.readline().split())))[1])
        """,
        ),
        ac(
            "fenwick_tree",
            "O(n log n)",
            r"""
            n = int(input())
            a = list(map(int, input().split()))
            rank = {v: i + 1 for i, v in enumerate(sorted(set(a)))}
            size = len(rank)
            tree = [0] * (size + 1)
            count = 0
            for seen, x in enumerate(a):
                i = rank[x]
                not_greater = 0
                while i > 0:
                    not_greater += tree[i]
                    i -= i & -i
                count += seen - not_greater
                i = rank[x]
                while i <= size:
                    tree[i] += 1
                    i += i & -i
            print(count)
        """,
        ),
        ac(
            "insort_prefix",
            "O(n log n) compares, O(n^2) memmove",
            r"""
            import sys
            from bisect import bisect_right, insort

            def main():
                a = list(map(int, sys.stdin.buffer.read().split()[1:]))
                prefix = []
                count = 0
                for seen, x in enumerate(a):
                    count += seen - bisect_right(prefix, x)
                    insort(prefix, x)
                print(count)

            main()
        """,
        ),
        # Takes the right element on ties (<), so equal pairs count as inversions.
        wrong(
            "merge_sort_strict",
            "O(n log n)",
            r"""
            def sort(a):
                if len(a) <= 1:
                    return a, 0
                mid = len(a) // 2
                left, x = sort(a[:mid])
                right, y = sort(a[mid:])
                merged = []
                count = x + y
                i = j = 0
                while i < len(left) and j < len(right):
                    if left[i] < right[j]:
                        merged.append(left[i])
                        i += 1
                    else:
                        merged.append(right[j])
                        count += len(left) - i
                        j += 1
                return merged + left[i:] + right[j:], count

            n = int(input())
            print(sort(list(map(int, input().split())))[1])
        """,
        ),
    ),
)


# ---- sliding window maximum --------------------------------------------------------


def _window_max(inp: str) -> str:
    t = tokens(inp)
    n, k, a = t[0], t[1], t[2:]
    # sparse table of maxima: two overlapping power-of-two blocks cover a window
    table, step = [a], 1
    while 2 * step <= k:
        prev = table[-1]
        table.append([max(prev[i], prev[i + step]) for i in range(len(prev) - step)])
        step *= 2
    row = table[-1]
    return " ".join(str(max(row[i], row[i + k - step])) for i in range(n - k + 1))


def _n_k_input(rng, n: int, k: int | None, lo: int, hi: int) -> str:
    """The common input "n k, then n integers in [lo, hi]"; k=None draws k in [1, n]."""
    return fmt((n, rng.randint(1, n) if k is None else k), nums(rng, n, lo, hi))


WINDOW_MAX = Task(
    name="sliding_window_max",
    difficulty="interview",
    statement="""
        For an array a_1, ..., a_n and a window length k, print the maximum of every
        window of k consecutive elements, from left to right.
    """,
    input_format="""
        The first line contains n and k (1 <= k <= n <= 5000). The second line
        contains a_1, ..., a_n (1 <= a_i <= 10^9).
    """,
    output_format="Print n - k + 1 integers: the maximum of each window, in order.",
    reference=_window_max,
    example=fmt((8, 3), [1, 3, 2, 5, 4, 1, 2, 6]),
    edge_cases=(
        fmt((1, 1), [5]),
        fmt((5, 2), [7, 7, 1, 7, 7]),
        fmt((4, 4), [2, 9, 9, 3]),
    ),
    large=lambda rng: [
        _n_k_input(rng, 5000, 8, 1, 10**9),
        _n_k_input(rng, 4000, 60, 1, 100),
        _n_k_input(rng, 5000, 120, 1, 10**4),
    ],
    small=lambda rng: _n_k_input(rng, rng.randint(1, 9), None, 1, 4),
    solutions=(
        ac(
            "scan_each_window",
            "O(n*k)",
            r"""
            n, k = map(int, input().split())
            a = list(map(int, input().split()))
            res = []
            for i in range(n - k + 1):
                best = a[i]
                for j in range(i + 1, i + k):
                    if a[j] > best:
                        best = a[j]
                res.append(best)
            print(*res)
        """,
        ),
        ac(
            "max_of_slice",
            "O(n*k) in C",
            r"""
            def main():
                n, k = map(int, input().split())
                a = list(map(int, input().split()))
                print(*[max(a[i:i + k]) for i in range(n - k + 1)])

            main()
        """,
        ),
        # Max-heap of (-value, index); entries that slid out are dropped lazily
        # when they reach the top.
        ac(
            "heap_lazy_delete",
            "O(n log n)",
            r"""
            import heapq

            n, k = map(int, input().split())
            a = list(map(int, input().split()))
            heap = []
            res = []
            for i, x in enumerate(a):
                heapq.heappush(heap, (-x, i))
                if i >= k - 1:
                    while heap[0][1] <= i - k:
                        heapq.heappop(heap)
                    res.append(-heap[0][0])
            print(" ".join(map(str, res)))
        """,
        ),
        ac(
            "monotonic_deque",
            "O(n)",
            r"""
            import sys
            from collections import deque

            def main():
                input = sys.stdin.readline
                n, k = map(int, input().split())
                a = list(map(int, input().split()))
                window = deque()
                res = []
                for i, x in enumerate(a):
                    while window and a[window[-1]] <= x:
                        window.pop()
                    window.append(i)
                    if window[0] <= i - k:
                        window.popleft()
                    if i >= k - 1:
                        res.append(a[window[0]])
                print(" ".join(map(str, res)))

            main()
        """,
        ),
        # Cut the array into blocks of k: a window spans the end of one block and
        # the start of the next, so its maximum is max(suffix max, prefix max).
        ac(
            "block_prefix_suffix",
            "O(n)",
            r"""
            import sys

            def main():
                data = sys.stdin.buffer.read().split()
                n, k = int(data[0]), int(data[1])
                a = list(map(int, data[2:2 + n]))
                prefix = a[:]
                for i in range(1, n):
                    if i % k and prefix[i - 1] > prefix[i]:
                        prefix[i] = prefix[i - 1]
                suffix = a[:]
                for i in range(n - 2, -1, -1):
                    if (i + 1) % k and suffix[i + 1] > suffix[i]:
                        suffix[i] = suffix[i + 1]
                res = [max(suffix[i], prefix[i + k - 1]) for i in range(n - k + 1)]
                sys.stdout.write(" ".join(map(str, res)) + "\n")

            main()
        """,
        ),
        # A deque of values that also pops equal values: when the first of two
        # equal maxima leaves the window, the second is gone too.
        wrong(
            "value_deque_pops_equal",
            "O(n)",
            r"""
            from collections import deque

            def main():
                n, k = map(int, input().split())
                a = list(map(int, input().split()))
                window = deque()
                res = []
                for i, x in enumerate(a):
                    if i >= k and window and window[0] == a[i - k]:
                        window.popleft()
                    while window and window[-1] <= x:
                        window.pop()
                    window.append(x)
                    if i >= k - 1:
                        res.append(window[0])
                print(*res)

            main()
        """,
        ),
    ),
)


# ---- longest window with at most k distinct values ------------------------------------------


def _k_distinct(inp: str) -> str:
    t = tokens(inp)
    k, a = t[1], t[2:]
    counts: dict[int, int] = {}
    best = left = 0
    for right, x in enumerate(a):
        counts[x] = counts.get(x, 0) + 1
        while len(counts) > k:
            counts[a[left]] -= 1
            if counts[a[left]] == 0:
                del counts[a[left]]
            left += 1
        best = max(best, right - left + 1)
    return str(best)


def _walk_input(rng, n: int, k: int) -> str:
    """A random walk: windows with k distinct values are about k^2 long."""
    a = [rng.randint(-50, 50)]
    for _ in range(n - 1):
        a.append(a[-1] + rng.choice((-1, 0, 1)))
    return fmt((n, k), a)


K_DISTINCT = Task(
    name="longest_k_distinct_window",
    difficulty="interview",
    statement="""
        Find the length of the longest contiguous part of the array a_1, ..., a_n
        that contains at most k distinct values.
    """,
    input_format="""
        The first line contains n and k (1 <= k <= n <= 6000). The second line
        contains a_1, ..., a_n (|a_i| <= 10^6).
    """,
    output_format="Print the length of the longest such part.",
    reference=_k_distinct,
    example=fmt((7, 2), [1, 2, 1, 2, 3, 3, 4]),
    edge_cases=(
        fmt((1, 1), [10**6]),
        fmt((5, 5), [1, 2, 3, 4, 5]),
        fmt((6, 1), [2, 2, 3, 3, 3, 2]),
    ),
    large=lambda rng: [
        _walk_input(rng, 6000, 5),
        _walk_input(rng, 4000, 8),
    ],
    small=lambda rng: _n_k_input(rng, rng.randint(1, 9), None, 1, 4),
    solutions=(
        ac(
            "extend_each_start",
            "O(n*answer)",
            r"""
            n, k = map(int, input().split())
            a = list(map(int, input().split()))
            best = 0
            for i in range(n):
                seen = set()
                j = i
                while j < n:
                    seen.add(a[j])
                    if len(seen) > k:
                        break
                    j += 1
                if j - i > best:
                    best = j - i
            print(best)
        """,
        ),
        # A window of length L fits iff some window of that length does; that
        # is monotone in L, so binary search L with a sliding check.
        ac(
            "binary_search_length",
            "O(n log n)",
            r"""
            def fits(a, k, length):
                counts = {}
                for i, x in enumerate(a):
                    counts[x] = counts.get(x, 0) + 1
                    if i >= length:
                        y = a[i - length]
                        counts[y] -= 1
                        if not counts[y]:
                            del counts[y]
                    if i >= length - 1 and len(counts) <= k:
                        return True
                return False

            def main():
                n, k = map(int, input().split())
                a = list(map(int, input().split()))
                lo, hi = 1, n
                while lo < hi:
                    mid = (lo + hi + 1) // 2
                    if fits(a, k, mid):
                        lo = mid
                    else:
                        hi = mid - 1
                print(lo)

            main()
        """,
        ),
        ac(
            "two_pointers_dict",
            "O(n)",
            r"""
            import sys

            def main():
                input = sys.stdin.readline
                n, k = map(int, input().split())
                a = list(map(int, input().split()))
                counts = {}
                best = left = 0
                for right, x in enumerate(a):
                    counts[x] = counts.get(x, 0) + 1
                    while len(counts) > k:
                        y = a[left]
                        counts[y] -= 1
                        if counts[y] == 0:
                            del counts[y]
                        left += 1
                    if right - left + 1 > best:
                        best = right - left + 1
                print(best)

            main()
        """,
        ),
        # The walk's values span at most n, so a count array replaces the dict.
        ac(
            "two_pointers_array",
            "O(n)",
            r"""
            import sys

            def main():
                data = sys.stdin.buffer.read().split()
                n, k = int(data[0]), int(data[1])
                a = list(map(int, data[2:2 + n]))
                low = min(a)
                a = [x - low for x in a]
                counts = [0] * (max(a) + 1)
                distinct = best = left = 0
                for right in range(n):
                    x = a[right]
                    if counts[x] == 0:
                        distinct += 1
                    counts[x] += 1
                    while distinct > k:
                        y = a[left]
                        counts[y] -= 1
                        if counts[y] == 0:
                            distinct -= 1
                        left += 1
                    if right - left + 1 > best:
                        best = right - left + 1
                print(best)

            main()
        """,
        ),
        # The window never shrinks: when it holds too many values it slides by
        # one instead, so its final length is the best length seen.
        ac(
            "non_shrinking_window",
            "O(n)",
            r"""
            from collections import defaultdict

            n, k = map(int, input().split())
            a = list(map(int, input().split()))
            counts = defaultdict(int)
            left = 0
            for x in a:
                counts[x] += 1
                if len(counts) > k:
                    y = a[left]
                    counts[y] -= 1
                    if counts[y] == 0:
                        del counts[y]
                    left += 1
            print(n - left)
        """,
        ),
        # Never deletes keys whose count fell to zero, so len(counts) overstates
        # the distinct values and the window shrinks too far.
        wrong(
            "stale_zero_counts",
            "O(n)",
            r"""
            def main():
                n, k = map(int, input().split())
                a = list(map(int, input().split()))
                counts = {}
                best = left = 0
                for right, x in enumerate(a):
                    counts[x] = counts.get(x, 0) + 1
                    while len(counts) > k and left <= right:
                        counts[a[left]] -= 1
                        left += 1
                    best = max(best, right - left + 1)
                print(best)

            main()
        """,
        ),
    ),
)


# ---- split an array into k parts (binary search on the answer) ----------------------------


def _split(inp: str) -> str:
    t = tokens(inp)
    k, a = t[1], t[2:]

    def parts(limit: int) -> int:
        count, cur = 1, 0
        for x in a:
            if cur + x > limit:
                count, cur = count + 1, x
            else:
                cur += x
        return count

    lo, hi = max(a), sum(a)
    while lo < hi:
        mid = (lo + hi) // 2
        if parts(mid) <= k:
            hi = mid
        else:
            lo = mid + 1
    return str(lo)


SPLIT = Task(
    name="split_array_min_max",
    difficulty="interview",
    statement="""
        Split the array a_1, ..., a_n into exactly k non-empty contiguous parts so
        that the largest sum of a part is as small as possible. Print that sum.
    """,
    input_format="""
        The first line contains n and k (1 <= k <= n <= 320). The second line
        contains a_1, ..., a_n (1 <= a_i <= 10^6).
    """,
    output_format="Print the smallest possible largest part sum.",
    reference=_split,
    example=fmt((5, 2), [7, 2, 5, 10, 8]),
    edge_cases=(
        fmt((1, 1), [5]),
        fmt((4, 4), [1, 100, 1, 1]),
        fmt((6, 3), [1, 1, 1, 1, 1, 1]),
    ),
    large=lambda rng: [
        _n_k_input(rng, 250, 6, 1, 10**6),
        _n_k_input(rng, 320, 4, 1, 10**6),
    ],
    small=lambda rng: _n_k_input(rng, rng.randint(1, 8), None, 1, 9),
    solutions=(
        ac(
            "dp_all_cuts",
            "O(k*n^2)",
            r"""
            n, k = map(int, input().split())
            a = list(map(int, input().split()))
            prefix = [0]
            for x in a:
                prefix.append(prefix[-1] + x)
            INF = float("inf")
            best = prefix[:]  # best[i]: one part covering a[0:i]
            for parts in range(2, k + 1):
                new = [INF] * (n + 1)
                for i in range(parts, n + 1):
                    for p in range(parts - 1, i):
                        cost = max(best[p], prefix[i] - prefix[p])
                        if cost < new[i]:
                            new[i] = cost
                best = new
            print(best[n])
        """,
        ),
        # best[p] grows with p and the last part's sum shrinks with p, so the
        # best cut is where they cross: binary search it.
        ac(
            "dp_bisect_cut",
            "O(k*n log n)",
            r"""
            n, k = map(int, input().split())
            a = list(map(int, input().split()))
            prefix = [0]
            for x in a:
                prefix.append(prefix[-1] + x)
            best = prefix[:]
            for parts in range(2, k + 1):
                new = [0] * (n + 1)
                for i in range(parts, n + 1):
                    lo, hi = parts - 1, i - 1
                    while lo < hi:  # first p with best[p] >= prefix[i] - prefix[p]
                        mid = (lo + hi) // 2
                        if best[mid] >= prefix[i] - prefix[mid]:
                            hi = mid
                        else:
                            lo = mid + 1
                    cost = max(best[lo], prefix[i] - prefix[lo])
                    if lo > parts - 1:
                        cost = min(cost, max(best[lo - 1], prefix[i] - prefix[lo - 1]))
                    new[i] = cost
                best = new
            print(best[n])
        """,
        ),
        # The crossing point only moves right as i grows: one pointer per row.
        ac(
            "dp_monotone_pointer",
            "O(k*n)",
            r"""
            def main():
                n, k = map(int, input().split())
                a = list(map(int, input().split()))
                prefix = [0]
                for x in a:
                    prefix.append(prefix[-1] + x)
                best = prefix[:]
                for parts in range(2, k + 1):
                    new = [0] * (n + 1)
                    p = parts - 1
                    for i in range(parts, n + 1):
                        while p + 1 < i and max(best[p + 1], prefix[i] - prefix[p + 1]) <= max(best[p], prefix[i] - prefix[p]):
                            p += 1
                        new[i] = max(best[p], prefix[i] - prefix[p])
                    best = new
                print(best[n])

            main()
        """,
        ),
        ac(
            "binary_search_greedy",
            "O(n log S)",
            r"""
            import sys

            def parts_needed(a, limit):
                parts, cur = 1, 0
                for x in a:
                    if cur + x > limit:
                        parts += 1
                        cur = x
                    else:
                        cur += x
                return parts

            def main():
                n, k = map(int, sys.stdin.readline().split())
                a = list(map(int, sys.stdin.readline().split()))
                lo, hi = max(a), sum(a)
                while lo < hi:
                    mid = (lo + hi) // 2
                    if parts_needed(a, mid) <= k:
                        hi = mid
                    else:
                        lo = mid + 1
                print(lo)

            main()
        """,
        ),
        # The greedy check jumps a whole part at a time with bisect on prefix sums.
        ac(
            "binary_search_bisect",
            "O(k log n log S)",
            r"""
            import sys
            from bisect import bisect_right
            from itertools import accumulate

            def main():
                data = list(map(int, sys.stdin.buffer.read().split()))
                n, k, a = data[0], data[1], data[2:]
                prefix = [0, *accumulate(a)]
                lo, hi = max(a), prefix[-1]
                while lo < hi:
                    mid = (lo + hi) // 2
                    pos, parts = 0, 0
                    while pos < n and parts <= k:
                        pos = bisect_right(prefix, prefix[pos] + mid) - 1
                        parts += 1
                    if parts <= k:
                        hi = mid
                    else:
                        lo = mid + 1
                print(lo)

            main()
        """,
        ),
        # Starts the search at 0 instead of max(a): the greedy check then
        # accepts limits below the largest element (that element alone
        # overflows its part), which matters only when k is large.
        wrong(
            "binary_search_from_zero",
            "O(n log S)",
            r"""
            def main():
                n, k = map(int, input().split())
                a = list(map(int, input().split()))

                def parts_needed(limit):
                    parts, cur = 1, 0
                    for x in a:
                        if cur + x > limit:
                            parts += 1
                            cur = x
                        else:
                            cur += x
                    return parts

                lo, hi = 0, sum(a)
                while lo < hi:
                    mid = (lo + hi) // 2
                    if parts_needed(mid) <= k:
                        hi = mid
                    else:
                        lo = mid + 1
                print(lo)

            main()
        """,
        ),
    ),
)


TASKS = [
    RANGE_SUM,
    PAIR_SUM,
    INTERVAL_UNION,
    MOST_FREQUENT,
    INVERSIONS,
    WINDOW_MAX,
    K_DISTINCT,
    SPLIT,
]
