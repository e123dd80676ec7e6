"""Dynamic-programming tasks: subsequences, knapsacks, coin change, edit distance."""

from __future__ import annotations

from bisect import bisect_left

from .spec import Task, ac, array_input, fmt, tokens, words, wrong

# ---- longest strictly increasing subsequence -----------------------------------


def _lis(inp: str) -> str:
    t = tokens(inp)
    tails: list[int] = []
    for x in t[1 : 1 + t[0]]:
        i = bisect_left(tails, x)
        tails[i : i + 1] = [x]
    return str(len(tails))


LIS = Task(
    name="longest_increasing_subsequence",
    difficulty="interview",
    statement="""
        Given a sequence of n integers, find the length of its longest strictly
        increasing subsequence: the largest m such that there are indices
        i_1 < i_2 < ... < i_m with a_{i_1} < a_{i_2} < ... < a_{i_m}.
    """,
    input_format="""
        The first line contains n (1 <= n <= 950). The second line contains
        a_1, ..., a_n (|a_i| <= 10^9).
    """,
    output_format="Print the length of the longest strictly increasing subsequence.",
    reference=_lis,
    example=fmt(8, [10, 9, 2, 5, 3, 7, 101, 18]),
    edge_cases=(
        fmt(1, [5]),
        fmt(6, [4, 4, 4, 4, 4, 4]),
        fmt(7, [7, 6, 5, 4, 3, 2, 1]),
        fmt(7, [1, 3, 3, 5, 5, 6, 6]),
    ),
    large=lambda rng: [
        array_input(rng, 950, -(10**9), 10**9),
        array_input(rng, 950, 1, 200),
    ],
    small=lambda rng: array_input(rng, rng.randint(1, 10), 1, rng.randint(1, 8)),
    solutions=(
        ac(
            "dp_quadratic",
            "O(n^2)",
            r"""
            n = int(input())
            a = list(map(int, input().split()))
            best = [1] * n
            for i in range(n):
                for j in range(i):
                    if a[j] < a[i] and best[j] + 1 > best[i]:
                        best[i] = best[j] + 1
            print(max(best))
        """,
        ),
        ac(
            "dp_quadratic_comprehension",
            "O(n^2)",
            r"""
            def main():
                n = int(input())
                a = list(map(int, input().split()))
                best = []
                for i, x in enumerate(a):
                    best.append(1 + max([best[j] for j in range(i) if a[j] < x], default=0))
                print(max(best))

            main()
        """,
        ),
        ac(
            "fenwick_max",
            "O(n log n)",
            r"""
            def main():
                n = int(input())
                a = list(map(int, input().split()))
                rank = {v: i + 1 for i, v in enumerate(sorted(set(a)))}
                size = len(rank)
                tree = [0] * (size + 1)
                answer = 0
                for x in a:
                    i = rank[x] - 1          # best length ending below x
                    best = 0
                    while i > 0:
                        if tree[i] > best:
                            best = tree[i]
                        i -= i & -i
                    best += 1
                    answer = max(answer, best)
                    i = rank[x]
                    while i <= size:
                        if tree[i] < best:
                            tree[i] = best
                        i += i & -i
                print(answer)

            main()
        """,
        ),
        ac(
            "patience_manual_search",
            "O(n log n)",
            r"""
            def main():
                n = int(input())
                a = list(map(int, input().split()))
                tails = []
                for x in a:
                    lo, hi = 0, len(tails)
                    while lo < hi:
                        mid = (lo + hi) // 2
                        if tails[mid] < x:
                            lo = mid + 1
                        else:
                            hi = mid
                    if lo == len(tails):
                        tails.append(x)
                    else:
                        tails[lo] = x
                print(len(tails))

            main()
        """,
        ),
        ac(
            "patience_bisect",
            "O(n log n)",
            r"""
            import sys
            from bisect import bisect_left

            def main():
                data = sys.stdin.buffer.read().split()
                tails = []
                for x in map(int, data[1:]):
                    i = bisect_left(tails, x)
                    if i == len(tails):
                        tails.append(x)
                    else:
                        tails[i] = x
                print(len(tails))

            main()
        """,
        ),
        # bisect_right lets an equal value extend a pile: this is the longest
        # non-decreasing subsequence, wrong as soon as values repeat.
        wrong(
            "patience_bisect_right",
            "O(n log n)",
            r"""
            import sys
            from bisect import bisect_right

            def main():
                data = sys.stdin.buffer.read().split()
                tails = []
                for x in map(int, data[1:]):
                    i = bisect_right(tails, x)
                    if i == len(tails):
                        tails.append(x)
                    else:
                        tails[i] = x
                print(len(tails))

            main()
        """,
        ),
    ),
)


# ---- number of distinct subset sums (0/1 knapsack feasibility) ------------------


def _subset_sums(inp: str) -> str:
    t = tokens(inp)
    reach = {0}
    for w in t[1 : 1 + t[0]]:
        reach |= {s + w for s in reach}
    return str(len(reach))


SUBSET_SUMS = Task(
    name="distinct_subset_sums",
    difficulty="interview",
    statement="""
        You have n weights w_1, ..., w_n. Choosing any subset of them (possibly
        empty, each weight at most once) gives a total. How many different totals
        can you get?
    """,
    input_format="""
        The first line contains n (1 <= n <= 100). The second line contains
        w_1, ..., w_n (1 <= w_i <= 1000, w_1 + ... + w_n <= 10^4).
    """,
    output_format="Print the number of different totals, counting the empty subset's 0.",
    reference=_subset_sums,
    example=fmt(3, [2, 3, 7]),
    edge_cases=(
        fmt(1, [1000]),
        fmt(5, [4, 4, 4, 4, 4]),
        fmt(4, [1, 2, 4, 8]),
    ),
    large=lambda rng: [
        array_input(rng, 50, 1, 150),
        array_input(rng, 40, 50, 250),
    ],
    small=lambda rng: array_input(rng, rng.randint(1, 7), 1, rng.randint(1, 10)),
    solutions=(
        ac(
            "table_2d",
            "O(n*S)",
            r"""
            n = int(input())
            w = list(map(int, input().split()))
            total = sum(w)
            can = [[False] * (total + 1) for _ in range(n + 1)]
            can[0][0] = True
            for i in range(1, n + 1):
                wi = w[i - 1]
                for s in range(total + 1):
                    can[i][s] = can[i - 1][s] or (s >= wi and can[i - 1][s - wi])
            print(sum(can[n]))
        """,
        ),
        ac(
            "dp_1d_reverse",
            "O(n*S)",
            r"""
            n = int(input())
            w = list(map(int, input().split()))
            total = sum(w)
            can = [False] * (total + 1)
            can[0] = True
            for x in w:
                for s in range(total, x - 1, -1):
                    if can[s - x]:
                        can[s] = True
            print(sum(can))
        """,
        ),
        # Only totals up to the sum of the weights seen so far can be reached.
        ac(
            "dp_1d_bounded",
            "O(n*S)",
            r"""
            def main():
                n = int(input())
                w = list(map(int, input().split()))
                can = [False] * (sum(w) + 1)
                can[0] = True
                high = 0
                for x in w:
                    high += x
                    for s in range(high, x - 1, -1):
                        if can[s - x]:
                            can[s] = True
                print(sum(can))

            main()
        """,
        ),
        ac(
            "set_of_sums",
            "O(n*distinct sums)",
            r"""
            n = int(input())
            sums = {0}
            for x in map(int, input().split()):
                sums |= {s + x for s in sums}
            print(len(sums))
        """,
        ),
        ac(
            "bitset_int",
            "O(n*S/64)",
            r"""
            import sys

            data = sys.stdin.read().split()
            bits = 1
            for x in map(int, data[1:]):
                bits |= bits << x
            print(bin(bits).count("1"))
        """,
        ),
        # Scanning totals upwards reuses a weight already placed in this round,
        # so it counts sums of multisets (unbounded knapsack), not subsets.
        wrong(
            "dp_1d_forward",
            "O(n*S)",
            r"""
            def main():
                n = int(input())
                w = list(map(int, input().split()))
                total = sum(w)
                can = [False] * (total + 1)
                can[0] = True
                for x in w:
                    for s in range(x, total + 1):
                        if can[s - x]:
                            can[s] = True
                print(sum(can))

            main()
        """,
        ),
    ),
)


# ---- coin change: number of ways --------------------------------------------------

MOD = 10**9 + 7


def _coin_ways(inp: str) -> str:
    t = tokens(inp)
    total, coins = t[0], t[2:]
    ways = [1] + [0] * total
    for c in coins:
        for s in range(c, total + 1):
            ways[s] = (ways[s] + ways[s - c]) % MOD
    return str(ways[total])


def _coin_input(rng, total: int, m: int, lo: int, hi: int) -> str:
    return fmt((total, m), sorted(rng.sample(range(lo, hi + 1), m)))


COIN_WAYS = Task(
    name="coin_change_ways",
    difficulty="interview",
    statement="""
        There are m kinds of coins with distinct values c_1, ..., c_m, and an
        unlimited supply of each. In how many ways can you pay exactly S? Two ways
        differ if some kind of coin is used a different number of times (the order
        of coins does not matter). Print the answer modulo 1000000007.
    """,
    input_format="""
        The first line contains S and m (1 <= S <= 3000, 1 <= m <= 15). The second
        line contains the distinct coin values c_1, ..., c_m (1 <= c_i <= 3000).
    """,
    output_format="Print the number of ways modulo 1000000007.",
    reference=_coin_ways,
    example=fmt((5, 3), [1, 2, 5]),
    edge_cases=(
        fmt((3, 1), [2]),
        fmt((10, 2), [5, 10]),
        fmt((300, 4), [1, 2, 5, 10]),
    ),
    large=lambda rng: [
        _coin_input(rng, 1500, 12, 5, 100),
        fmt((500, 12), list(range(1, 13))),  # over 10^13 ways: the modulus matters
        _coin_input(rng, 3000, 15, 40, 200),
    ],
    small=lambda rng: _coin_input(rng, rng.randint(1, 20), rng.randint(1, 4), 1, 8),
    solutions=(
        ac(
            "memo_recursion",
            "O(m*S)",
            r"""
            import sys
            from functools import lru_cache

            sys.setrecursionlimit(10000)
            MOD = 10**9 + 7

            S, m = map(int, input().split())
            coins = list(map(int, input().split()))

            @lru_cache(maxsize=None)
            def ways(i, s):
                # ways to pay s with coins[0..i]
                if s == 0:
                    return 1
                if i < 0:
                    return 0
                total = ways(i - 1, s)
                if s >= coins[i]:
                    total += ways(i, s - coins[i])
                return total % MOD

            print(ways(m - 1, S))
        """,
        ),
        ac(
            "count_copies",
            "O(S^2 * sum 1/c_i)",
            r"""
            def main():
                MOD = 10**9 + 7
                S, m = map(int, input().split())
                coins = list(map(int, input().split()))
                ways = [1] + [0] * S
                for c in coins:
                    new = [0] * (S + 1)
                    for s in range(S + 1):
                        total = 0
                        for rest in range(s, -1, -c):  # use (s - rest) / c coins of c
                            total += ways[rest]
                        new[s] = total % MOD
                    ways = new
                print(ways[S])

            main()
        """,
        ),
        ac(
            "table_2d",
            "O(m*S)",
            r"""
            MOD = 10**9 + 7
            S, m = map(int, input().split())
            coins = list(map(int, input().split()))
            table = [[0] * (S + 1) for _ in range(m + 1)]
            table[0][0] = 1
            for i in range(1, m + 1):
                c = coins[i - 1]
                prev, row = table[i - 1], table[i]
                for s in range(S + 1):
                    row[s] = prev[s]
                    if s >= c:
                        row[s] = (row[s] + row[s - c]) % MOD
            print(table[m][S])
        """,
        ),
        ac(
            "dp_1d",
            "O(m*S)",
            r"""
            MOD = 10**9 + 7
            S, m = map(int, input().split())
            coins = list(map(int, input().split()))
            ways = [1] + [0] * S
            for c in coins:
                for s in range(c, S + 1):
                    ways[s] = (ways[s] + ways[s - c]) % MOD
            print(ways[S])
        """,
        ),
        # Adding coin c turns ways[] into running sums along each residue class
        # mod c: ways[r], ways[r + c], ... -- one accumulate() per class.
        ac(
            "residue_prefix_sums",
            "O(m*S) in C",
            r"""
            import sys
            from itertools import accumulate

            def main():
                MOD = 10**9 + 7
                S, m, *coins = map(int, sys.stdin.read().split())
                ways = [1] + [0] * S
                for c in coins:
                    for r in range(min(c, S + 1)):
                        ways[r::c] = map(MOD.__rmod__, accumulate(ways[r::c]))
                print(ways[S])

            main()
        """,
        ),
        # Amounts in the outer loop count ordered sequences of coins
        # (1+2 and 2+1 twice), not combinations.
        wrong(
            "counts_orderings",
            "O(m*S)",
            r"""
            def main():
                MOD = 10**9 + 7
                S, m = map(int, input().split())
                coins = list(map(int, input().split()))
                ways = [1] + [0] * S
                for s in range(1, S + 1):
                    for c in coins:
                        if c <= s:
                            ways[s] = (ways[s] + ways[s - c]) % MOD
                print(ways[S])

            main()
        """,
        ),
        # Never reduces modulo 1000000007: right while the count stays small.
        wrong(
            "no_modulo",
            "O(m*S)",
            r"""
            S, m = map(int, input().split())
            coins = list(map(int, input().split()))
            ways = [1] + [0] * S
            for c in coins:
                for s in range(c, S + 1):
                    ways[s] += ways[s - c]
            print(ways[S])
        """,
        ),
    ),
)


# ---- edit distance --------------------------------------------------------------------


def _edit_distance(inp: str) -> str:
    a, b = inp.split()
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return str(prev[-1])


def _mutate(rng, s: str, edits: int, alphabet: str) -> str:
    """s after `edits` random insertions, deletions and substitutions."""
    out = list(s)
    for _ in range(edits):
        i = rng.randrange(len(out) + 1)
        kind = rng.choice("ids") if out and i < len(out) else "i"
        if kind == "i":
            out.insert(i, rng.choice(alphabet))
        elif kind == "d" and len(out) > 1:
            del out[i]
        else:
            out[i] = rng.choice(alphabet)
    return "".join(out)


def _edit_input(rng, n: int, edits: int | None, alphabet: str) -> str:
    a = words(rng, 1, n, n, alphabet)[0]
    b = words(rng, 1, n, n, alphabet)[0] if edits is None else _mutate(rng, a, edits, alphabet)
    return fmt(a, b)


EDIT_DISTANCE = Task(
    name="edit_distance",
    difficulty="interview",
    statement="""
        The edit distance between two strings is the minimum number of single-letter
        insertions, deletions and substitutions that turn one into the other.
        Compute the edit distance between a and b.
    """,
    input_format="""
        Two lines, with a and b: each 1 to 260 lowercase English letters.
    """,
    output_format="Print the edit distance.",
    reference=_edit_distance,
    example=fmt("flaw", "lawn"),
    edge_cases=(
        fmt("a", "a"),
        fmt("abc", "xyz"),
        fmt("kitten", "sitting"),
        fmt("intention", "execution"),
    ),
    large=lambda rng: [
        _edit_input(rng, 200, None, "abcd"),
        _edit_input(rng, 240, 12, "abcdefghijklmnopqrstuvwxyz"),
    ],
    small=lambda rng: fmt(*words(rng, 2, 1, 6, "abc")),
    solutions=(
        ac(
            "memo_recursion",
            "O(n*m)",
            r"""
            import sys
            from functools import lru_cache

            sys.setrecursionlimit(10000)
            a = input().strip()
            b = input().strip()

            @lru_cache(maxsize=None)
            def dist(i, j):
                # edit distance between a[:i] and b[:j]
                if i == 0:
                    return j
                if j == 0:
                    return i
                return min(
                    dist(i - 1, j) + 1,
                    dist(i, j - 1) + 1,
                    dist(i - 1, j - 1) + (a[i - 1] != b[j - 1]),
                )

            print(dist(len(a), len(b)))
        """,
        ),
        ac(
            "table_2d",
            "O(n*m)",
            r"""
            a = input().strip()
            b = input().strip()
            n, m = len(a), len(b)
            d = [[0] * (m + 1) for _ in range(n + 1)]
            for i in range(n + 1):
                d[i][0] = i
            for j in range(m + 1):
                d[0][j] = j
            for i in range(1, n + 1):
                for j in range(1, m + 1):
                    if a[i - 1] == b[j - 1]:
                        d[i][j] = d[i - 1][j - 1]
                    else:
                        d[i][j] = 1 + min(d[i - 1][j], d[i][j - 1], d[i - 1][j - 1])
            print(d[n][m])
        """,
        ),
        ac(
            "two_rows",
            "O(n*m)",
            r"""
            def main():
                a = input().strip()
                b = input().strip()
                prev = list(range(len(b) + 1))
                for i, ca in enumerate(a, 1):
                    cur = [i] * (len(b) + 1)
                    for j, cb in enumerate(b, 1):
                        if ca == cb:
                            cur[j] = prev[j - 1]
                        else:
                            x, y, z = prev[j], cur[j - 1], prev[j - 1]
                            cur[j] = 1 + (x if x < y and x < z else y if y < z else z)
                    prev = cur
                print(prev[-1])

            main()
        """,
        ),
        # Ukkonen's band: an alignment of cost <= d never leaves the diagonals
        # |i - j| <= d, so try d = 1, 2, 4, ... with only those cells.
        ac(
            "band_doubling",
            "O((n + m)*distance)",
            r"""
            import sys

            def within(a, b, d):
                n, m = len(a), len(b)
                INF = d + 1
                prev = [j if j <= d else INF for j in range(m + 1)]
                for i in range(1, n + 1):
                    cur = [INF] * (m + 1)
                    if i <= d:
                        cur[0] = i
                    ca = a[i - 1]
                    for j in range(max(1, i - d), min(m, i + d) + 1):
                        v = prev[j - 1] + (ca != b[j - 1])
                        if prev[j] + 1 < v:
                            v = prev[j] + 1
                        if cur[j - 1] + 1 < v:
                            v = cur[j - 1] + 1
                        cur[j] = v
                    prev = cur
                return prev[m] if prev[m] <= d else None

            def main():
                a, b = sys.stdin.read().split()
                d = max(1, abs(len(a) - len(b)))
                while (answer := within(a, b, d)) is None:
                    d *= 2
                print(answer)

            main()
        """,
        ),
        # Myers/Hyyro bit-parallel edit distance: one column of the table is a
        # pair of bit vectors (+1 / -1 vertical steps) updated with word ops.
        ac(
            "bit_parallel",
            "O(n*m/64)",
            r"""
            import sys

            def main():
                a, b = sys.stdin.read().split()
                m = len(a)
                peq = {}
                for i, ch in enumerate(a):
                    peq[ch] = peq.get(ch, 0) | 1 << i
                mask = (1 << m) - 1
                high = 1 << (m - 1)
                pv, mv, score = mask, 0, m
                for ch in b:
                    eq = peq.get(ch, 0)
                    xv = eq | mv
                    xh = (((eq & pv) + pv) ^ pv) | eq
                    ph = mv | (~(xh | pv) & mask)
                    mh = pv & xh
                    if ph & high:
                        score += 1
                    elif mh & high:
                        score -= 1
                    ph = (ph << 1 | 1) & mask
                    mh = (mh << 1) & mask
                    pv = mh | (~(xv | ph) & mask)
                    mv = ph & xv
                print(score)

            main()
        """,
        ),
        # n + m - 2*LCS is the distance with insertions and deletions only; a
        # substitution costs 2 there instead of 1.
        wrong(
            "via_lcs",
            "O(n*m)",
            r"""
            def main():
                a = input().strip()
                b = input().strip()
                prev = [0] * (len(b) + 1)
                for ca in a:
                    cur = [0]
                    for j, cb in enumerate(b, 1):
                        cur.append(prev[j - 1] + 1 if ca == cb else max(prev[j], cur[j - 1]))
                    prev = cur
                print(len(a) + len(b) - 2 * prev[-1])

            main()
        """,
        ),
    ),
)


# ---- largest square of ones ------------------------------------------------------------


def _largest_square(inp: str) -> str:
    lines = inp.split()
    n, m, g = int(lines[0]), int(lines[1]), lines[2:]
    best, prev = 0, [0] * (m + 1)
    for i in range(n):
        cur = [0] * (m + 1)
        for j in range(m):
            if g[i][j] == "1":
                cur[j + 1] = 1 + min(prev[j], prev[j + 1], cur[j])
                best = max(best, cur[j + 1])
        prev = cur
    return str(best)


def _square_input(rng, n: int, m: int, zero: float) -> str:
    rows = ["".join("0" if rng.random() < zero else "1" for _ in range(m)) for _ in range(n)]
    return fmt((n, m), *rows)


LARGEST_SQUARE = Task(
    name="largest_square_of_ones",
    difficulty="interview",
    statement="""
        Find the side length of the largest square made only of 1s in an n x m grid
        of 0s and 1s (0 if the grid has no 1).
    """,
    input_format="""
        The first line contains n and m (1 <= n, m <= 80). Each of the next n lines
        contains m characters, each '0' or '1'.
    """,
    output_format="Print the side length of the largest all-ones square.",
    reference=_largest_square,
    example=fmt((4, 5), "10100", "10111", "11111", "10010"),
    edge_cases=(
        fmt((1, 1), "0"),
        fmt((2, 3), "111", "111"),
        fmt((3, 3), "110", "111", "011"),
    ),
    large=lambda rng: [
        _square_input(rng, 80, 80, 0.25),
        _square_input(rng, 80, 80, 0.03),
    ],
    small=lambda rng: _square_input(rng, rng.randint(1, 5), rng.randint(1, 5), 0.3),
    solutions=(
        # Grows a square from every top-left cell, checking each new border.
        ac(
            "grow_each_corner",
            "O(n*m*s^2)",
            r"""
            n, m = map(int, input().split())
            g = [input().strip() for _ in range(n)]
            best = 0
            for i in range(n):
                for j in range(m):
                    k = 0
                    while i + k < n and j + k < m:
                        ok = True
                        for t in range(k + 1):
                            if g[i + k][j + t] != "1" or g[i + t][j + k] != "1":
                                ok = False
                                break
                        if not ok:
                            break
                        k += 1
                    if k > best:
                        best = k
            print(best)
        """,
        ),
        ac(
            "prefix_sums_grow",
            "O(n*m*s)",
            r"""
            def main():
                n, m = map(int, input().split())
                g = [input().strip() for _ in range(n)]
                P = [[0] * (m + 1) for _ in range(n + 1)]
                for i in range(n):
                    for j in range(m):
                        P[i + 1][j + 1] = (g[i][j] == "1") + P[i][j + 1] + P[i + 1][j] - P[i][j]
                best = 0
                for i in range(n):
                    for j in range(m):
                        k = 1
                        while i + k <= n and j + k <= m and \
                                P[i + k][j + k] - P[i][j + k] - P[i + k][j] + P[i][j] == k * k:
                            k += 1
                        best = max(best, k - 1)
                print(best)

            main()
        """,
        ),
        # A k-square exists iff some window sum is k*k; existence is monotone in k.
        ac(
            "binary_search_side",
            "O(n*m log min(n, m))",
            r"""
            def main():
                n, m = map(int, input().split())
                g = [input().strip() for _ in range(n)]
                P = [[0] * (m + 1) for _ in range(n + 1)]
                for i in range(n):
                    for j in range(m):
                        P[i + 1][j + 1] = (g[i][j] == "1") + P[i][j + 1] + P[i + 1][j] - P[i][j]

                def exists(k):
                    area = k * k
                    for i in range(n - k + 1):
                        top, bottom = P[i], P[i + k]
                        for j in range(m - k + 1):
                            if bottom[j + k] - top[j + k] - bottom[j] + top[j] == area:
                                return True
                    return False

                lo, hi = 0, min(n, m)
                while lo < hi:
                    mid = (lo + hi + 1) // 2
                    if exists(mid):
                        lo = mid
                    else:
                        hi = mid - 1
                print(lo)

            main()
        """,
        ),
        ac(
            "dp_table",
            "O(n*m)",
            r"""
            def main():
                n, m = map(int, input().split())
                g = [input().strip() for _ in range(n)]
                dp = [[0] * (m + 1) for _ in range(n + 1)]
                best = 0
                for i in range(1, n + 1):
                    for j in range(1, m + 1):
                        if g[i - 1][j - 1] == "1":
                            dp[i][j] = 1 + min(dp[i - 1][j], dp[i][j - 1], dp[i - 1][j - 1])
                            if dp[i][j] > best:
                                best = dp[i][j]
                print(best)

            main()
        """,
        ),
        ac(
            "dp_one_row",
            "O(n*m)",
            r"""
            import sys

            def main():
                data = sys.stdin.read().split()
                m = int(data[1])
                prev = [0] * (m + 1)
                best = 0
                for row in data[2:]:
                    cur = [0] * (m + 1)
                    for j, ch in enumerate(row, 1):
                        if ch == "1":
                            a, b, c = prev[j], cur[j - 1], prev[j - 1]
                            v = 1 + (a if a < b and a < c else b if b < c else c)
                            cur[j] = v
                            if v > best:
                                best = v
                    prev = cur
                print(best)

            main()
        """,
        ),
        # Ignores the diagonal neighbour: an L of ones passes for a square.
        wrong(
            "dp_without_diagonal",
            "O(n*m)",
            r"""
            def main():
                n, m = map(int, input().split())
                g = [input().strip() for _ in range(n)]
                dp = [[0] * (m + 1) for _ in range(n + 1)]
                best = 0
                for i in range(1, n + 1):
                    for j in range(1, m + 1):
                        if g[i - 1][j - 1] == "1":
                            dp[i][j] = 1 + min(dp[i - 1][j], dp[i][j - 1])
                            best = max(best, dp[i][j])
                print(best)

            main()
        """,
        ),
    ),
)


TASKS = [LIS, SUBSET_SUMS, COIN_WAYS, EDIT_DISTANCE, LARGEST_SQUARE]
