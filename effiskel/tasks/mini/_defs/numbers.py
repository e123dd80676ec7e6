"""Number-theory tasks: primes, gcd, binomials mod p, inclusion-exclusion, divisors."""

from __future__ import annotations

import math
from functools import reduce

from .spec import Task, ac, fmt, ranges, tokens, wrong

# ---- primes in ranges (sieve) ----------------------------------------------------


def _prime_counts(inp: str) -> str:
    t = tokens(inp)
    q, qs = t[0], t[1:]
    top = max(qs)
    is_prime = [False, False] + [True] * (top - 1)
    for p in range(2, math.isqrt(top) + 1):
        if is_prime[p]:
            for m in range(p * p, top + 1, p):
                is_prime[m] = False
    out = [sum(is_prime[qs[i] : qs[i + 1] + 1]) for i in range(0, 2 * q, 2)]
    return "\n".join(map(str, out))


def _prime_input(rng, q: int, top: int, max_len: int) -> str:
    rs = ranges(rng, top, q - 1, max_len) + [(1, top)]  # one query reaches the top
    rng.shuffle(rs)
    return fmt(q, *rs)


PRIMES = Task(
    name="prime_range_counts",
    difficulty="introductory",
    statement="""
        Answer q questions of the form "how many prime numbers are there between l
        and r, inclusive?". A prime is an integer greater than 1 whose only positive
        divisors are 1 and itself.
    """,
    input_format="""
        The first line contains q (1 <= q <= 1000). Each of the next q lines contains
        l and r (1 <= l <= r <= 22000).
    """,
    output_format="Print q lines: the number of primes in each range, in order.",
    reference=_prime_counts,
    example=fmt(3, (10, 20), (11, 13), (26, 48)),
    edge_cases=(
        fmt(1, (1, 1)),
        fmt(4, (2, 2), (4, 4), (1, 9), (25, 25)),
        fmt(2, (48, 50), (1, 100)),
    ),
    large=lambda rng: [
        _prime_input(rng, 500, 12000, 12000),
        _prime_input(rng, 1000, 22000, 22000),
    ],
    small=lambda rng: _prime_input(rng, rng.randint(1, 5), rng.randint(1, 60), 60),
    solutions=(
        ac(
            "trial_division",
            "O(N*sqrt(N) + q)",
            r"""
            q = int(input())
            queries = [tuple(map(int, input().split())) for _ in range(q)]
            top = max(r for _, r in queries)
            count = [0] * (top + 1)
            for x in range(2, top + 1):
                d = 2
                prime = True
                while d * d <= x:
                    if x % d == 0:
                        prime = False
                        break
                    d += 1
                count[x] = count[x - 1] + prime
            for l, r in queries:
                print(count[r] - count[l - 1])
        """,
        ),
        ac(
            "trial_by_primes",
            "O(N*sqrt(N)/log N + q)",
            r"""
            import sys

            def main():
                input = sys.stdin.readline
                q = int(input())
                queries = [tuple(map(int, input().split())) for _ in range(q)]
                top = max(r for _, r in queries)
                primes = []
                count = [0] * (top + 1)
                for x in range(2, top + 1):
                    for p in primes:
                        if p * p > x:
                            primes.append(x)
                            break
                        if x % p == 0:
                            break
                    else:
                        primes.append(x)
                    count[x] = len(primes)
                print("\n".join(str(count[r] - count[l - 1]) for l, r in queries))

            main()
        """,
        ),
        ac(
            "sieve_loops",
            "O(N log log N + q)",
            r"""
            def main():
                q = int(input())
                queries = [tuple(map(int, input().split())) for _ in range(q)]
                top = max(r for _, r in queries)
                is_prime = [True] * (top + 1)
                is_prime[0] = is_prime[1] = False
                p = 2
                while p * p <= top:
                    if is_prime[p]:
                        for m in range(p * p, top + 1, p):
                            is_prime[m] = False
                    p += 1
                count = [0] * (top + 1)
                for x in range(1, top + 1):
                    count[x] = count[x - 1] + is_prime[x]
                for l, r in queries:
                    print(count[r] - count[l - 1])

            main()
        """,
        ),
        ac(
            "sieve_slices",
            "O(N log log N + q)",
            r"""
            from itertools import accumulate

            q = int(input())
            queries = [tuple(map(int, input().split())) for _ in range(q)]
            top = max(r for _, r in queries)
            sieve = bytearray([1]) * (top + 1)
            sieve[0] = sieve[1] = 0
            for p in range(2, int(top ** 0.5) + 1):
                if sieve[p]:
                    sieve[p * p::p] = bytes(len(range(p * p, top + 1, p)))
            count = list(accumulate(sieve))
            for l, r in queries:
                print(count[r] - count[l - 1])
        """,
        ),
        ac(
            "odd_sieve_bisect",
            "O(N log log N + q log N)",
            r"""
            import sys
            from bisect import bisect_left, bisect_right

            def main():
                data = list(map(int, sys.stdin.buffer.read().split()))
                top = max(data[2::2])
                # odd[i] stands for the number 2*i + 1
                odd = bytearray([1]) * (top // 2 + 1)
                odd[0] = 0
                i = 1
                while (2 * i + 1) ** 2 <= top:
                    if odd[i]:
                        p = 2 * i + 1
                        start = p * p // 2
                        odd[start::p] = bytes(len(range(start, len(odd), p)))
                    i += 1
                primes = [2] + [2 * i + 1 for i in range(len(odd)) if odd[i] and 2 * i + 1 <= top]
                out = []
                for k in range(1, len(data), 2):
                    out.append(bisect_right(primes, data[k + 1]) - bisect_left(primes, data[k]))
                print("\n".join(map(str, out)))

            main()
        """,
        ),
        # Stops trial division one step early (d*d < x): squares of primes such
        # as 4, 9 and 25 are taken for primes.
        wrong(
            "trial_division_strict_bound",
            "O(N*sqrt(N) + q)",
            r"""
            import sys

            def main():
                input = sys.stdin.readline
                q = int(input())
                queries = [tuple(map(int, input().split())) for _ in range(q)]
                top = max(r for _, r in queries)
                count = [0] * (top + 1)
                for x in range(2, top + 1):
                    d = 2
                    while d * d < x and x % d:
                        d += 1
                    count[x] = count[x - 1] + (d * d >= x)
                for l, r in queries:
                    print(count[r] - count[l - 1])

            main()
        """,
        ),
    ),
)


# ---- gcd of ranges ------------------------------------------------------------------


def _range_gcd(inp: str) -> str:
    t = tokens(inp)
    n, q = t[0], t[1]
    a, qs = t[2 : 2 + n], t[2 + n :]
    return "\n".join(str(reduce(math.gcd, a[qs[i] - 1 : qs[i + 1]])) for i in range(0, 2 * q, 2))


def _blocks_with_factors(rng, n: int, max_block: int) -> list[int]:
    """Runs of numbers sharing a random factor 2^a 3^b 5^c, so that the gcd of
    a range is rarely 1 and depends on which runs it touches."""
    out: list[int] = []
    while len(out) < n:
        factor = 2 ** rng.randint(0, 6) * 3 ** rng.randint(0, 4) * 5 ** rng.randint(0, 3)
        out += [factor * rng.randint(1, 40) for _ in range(rng.randint(1, max_block))]
    return out[:n]


def _gcd_input(rng, n: int, q: int, max_len: int) -> str:
    return fmt((n, q), _blocks_with_factors(rng, n, 300), *ranges(rng, n, q, max_len))


RANGE_GCD = Task(
    name="range_gcd",
    difficulty="interview",
    statement="""
        You are given n positive integers a_1, ..., a_n and q queries l, r. For each
        query print the greatest common divisor of a_l, a_{l+1}, ..., a_r.
    """,
    input_format="""
        The first line contains n and q (1 <= n <= 4000, 1 <= q <= 1200). The second
        line contains a_1, ..., a_n (1 <= a_i <= 10^9). Each of the next q lines
        contains l and r (1 <= l <= r <= n, r - l < 300).
    """,
    output_format="Print q lines: the gcd of each range, in order.",
    reference=_range_gcd,
    example=fmt((5, 3), [12, 18, 24, 36, 10], (1, 3), (2, 4), (4, 5)),
    edge_cases=(
        fmt((1, 1), [10**9], (1, 1)),
        fmt((4, 3), [6, 6, 6, 6], (1, 4), (2, 3), (4, 4)),
        fmt((6, 2), [1, 2, 4, 8, 16, 32], (2, 6), (1, 6)),
    ),
    large=lambda rng: [
        _gcd_input(rng, 3000, 800, 300),
        _gcd_input(rng, 4000, 1200, 300),
    ],
    small=lambda rng: _gcd_input(rng, rng.randint(1, 9), rng.randint(1, 6), 9),
    solutions=(
        ac(
            "euclid_per_query",
            "O(n*q*log A)",
            r"""
            n, q = map(int, input().split())
            a = list(map(int, input().split()))
            for _ in range(q):
                l, r = map(int, input().split())
                g = 0
                for i in range(l - 1, r):
                    x = a[i]
                    while x:
                        g, x = x, g % x
                print(g)
        """,
        ),
        ac(
            "math_gcd_per_query",
            "O(n*q)",
            r"""
            import sys
            from math import gcd

            def main():
                input = sys.stdin.readline
                n, q = map(int, input().split())
                a = list(map(int, input().split()))
                out = []
                for _ in range(q):
                    l, r = map(int, input().split())
                    g = 0
                    for x in a[l - 1:r]:
                        g = gcd(g, x)
                    out.append(g)
                print("\n".join(map(str, out)))

            main()
        """,
        ),
        ac(
            "gcd_of_slice",
            "O(n*q)",
            r"""
            from math import gcd

            n, q = map(int, input().split())
            a = list(map(int, input().split()))
            out = []
            for _ in range(q):
                l, r = map(int, input().split())
                out.append(gcd(*a[l - 1:r]))
            print("\n".join(map(str, out)))
        """,
        ),
        ac(
            "segment_tree",
            "O((n + q) log n)",
            r"""
            import sys
            from math import gcd

            def main():
                input = sys.stdin.readline
                n, q = map(int, input().split())
                tree = [0] * n + list(map(int, input().split()))
                for i in range(n - 1, 0, -1):
                    tree[i] = gcd(tree[2 * i], tree[2 * i + 1])
                out = []
                for _ in range(q):
                    l, r = map(int, input().split())
                    l += n - 1
                    r += n
                    g = 0
                    while l < r:
                        if l & 1:
                            g = gcd(g, tree[l])
                            l += 1
                        if r & 1:
                            r -= 1
                            g = gcd(g, tree[r])
                        l >>= 1
                        r >>= 1
                    out.append(g)
                print("\n".join(map(str, out)))

            main()
        """,
        ),
        ac(
            "sparse_table",
            "O(n log n + q)",
            r"""
            import sys
            from math import gcd

            def main():
                data = sys.stdin.buffer.read().split()
                n, q = int(data[0]), int(data[1])
                table = [list(map(int, data[2:2 + n]))]
                step = 1
                while 2 * step <= n:
                    prev = table[-1]
                    table.append([gcd(prev[i], prev[i + step]) for i in range(n - 2 * step + 1)])
                    step *= 2
                out = []
                for k in range(2 + n, 2 + n + 2 * q, 2):
                    l, r = int(data[k]) - 1, int(data[k + 1])
                    j = (r - l).bit_length() - 1
                    row = table[j]
                    out.append(gcd(row[l], row[r - (1 << j)]))
                print("\n".join(map(str, out)))

            main()
        """,
        ),
        # Mixes 0- and 1-based ends: the second block ends one element early
        # (and may start one too early), so the last element is left out.
        wrong(
            "sparse_table_off_by_one",
            "O(n log n + q)",
            r"""
            import sys
            from math import gcd

            def main():
                data = sys.stdin.buffer.read().split()
                n, q = int(data[0]), int(data[1])
                table = [list(map(int, data[2:2 + n]))]
                step = 1
                while 2 * step <= n:
                    prev = table[-1]
                    table.append([gcd(prev[i], prev[i + step]) for i in range(n - 2 * step + 1)])
                    step *= 2
                out = []
                for k in range(2 + n, 2 + n + 2 * q, 2):
                    l, r = int(data[k]) - 1, int(data[k + 1]) - 1
                    j = (r - l + 1).bit_length() - 1
                    row = table[j]
                    out.append(gcd(row[l], row[r - (1 << j)]))
                print("\n".join(map(str, out)))

            main()
        """,
        ),
    ),
)


# ---- binomial coefficients mod p -----------------------------------------------------

MOD = 10**9 + 7


def _binomials(inp: str) -> str:
    t = tokens(inp)
    return "\n".join(str(math.comb(t[i], t[i + 1]) % MOD) for i in range(1, 1 + 2 * t[0], 2))


def _binomial_input(rng, q: int, top: int) -> str:
    qs = []
    for _ in range(q):
        n = rng.randint(0, top)
        qs.append((n, rng.randint(0, n)))
    qs[rng.randrange(q)] = (top, top // 2)
    return fmt(q, *qs)


BINOMIALS = Task(
    name="binomial_queries",
    difficulty="interview",
    statement="""
        For each of q pairs (n, r) print the binomial coefficient C(n, r), the
        number of ways to choose r items out of n, modulo 1000000007.
    """,
    input_format="""
        The first line contains q (1 <= q <= 1000). Each of the next q lines contains
        n and r (0 <= r <= n <= 700).
    """,
    output_format="Print q lines: C(n, r) mod 1000000007 for each pair, in order.",
    reference=_binomials,
    example=fmt(4, (5, 2), (10, 0), (10, 10), (12, 6)),
    edge_cases=(
        fmt(1, (0, 0)),
        fmt(3, (12, 6), (13, 6), (700, 350)),
        fmt(2, (1, 1), (100, 1)),
    ),
    large=lambda rng: [
        _binomial_input(rng, 1000, 300),
        _binomial_input(rng, 1000, 700),
    ],
    small=lambda rng: _binomial_input(rng, rng.randint(1, 5), rng.randint(0, 40)),
    solutions=(
        ac(
            "pascal_triangle",
            "O(N^2 + q)",
            r"""
            MOD = 10**9 + 7
            q = int(input())
            queries = [tuple(map(int, input().split())) for _ in range(q)]
            top = max(n for n, _ in queries)
            rows = [[1]]
            for n in range(1, top + 1):
                prev = rows[-1]
                row = [1] * (n + 1)
                for r in range(1, n):
                    row[r] = (prev[r - 1] + prev[r]) % MOD
                rows.append(row)
            for n, r in queries:
                print(rows[n][r])
        """,
        ),
        ac(
            "multiplicative_per_query",
            "O(q*N)",
            r"""
            import sys

            MOD = 10**9 + 7

            def comb(n, r):
                r = min(r, n - r)
                num = den = 1
                for i in range(r):
                    num = num * (n - i) % MOD
                    den = den * (i + 1) % MOD
                return num * pow(den, MOD - 2, MOD) % MOD

            def main():
                input = sys.stdin.readline
                q = int(input())
                out = []
                for _ in range(q):
                    n, r = map(int, input().split())
                    out.append(comb(n, r))
                print("\n".join(map(str, out)))

            main()
        """,
        ),
        ac(
            "math_comb",
            "O(q*N) big-int",
            r"""
            import math

            q = int(input())
            for _ in range(q):
                n, r = map(int, input().split())
                print(math.comb(n, r) % 1000000007)
        """,
        ),
        ac(
            "factorials_fermat",
            "O(N + q log p)",
            r"""
            import sys

            MOD = 10**9 + 7

            def main():
                input = sys.stdin.readline
                q = int(input())
                queries = [tuple(map(int, input().split())) for _ in range(q)]
                top = max(n for n, _ in queries)
                fact = [1] * (top + 1)
                for i in range(1, top + 1):
                    fact[i] = fact[i - 1] * i % MOD
                out = []
                for n, r in queries:
                    out.append(fact[n] * pow(fact[r] * fact[n - r] % MOD, MOD - 2, MOD) % MOD)
                print("\n".join(map(str, out)))

            main()
        """,
        ),
        ac(
            "inverse_factorials",
            "O(N + q)",
            r"""
            import sys

            def main():
                MOD = 10**9 + 7
                data = list(map(int, sys.stdin.buffer.read().split()))
                ns, rs = data[1::2], data[2::2]
                top = max(ns)
                fact = [1] * (top + 1)
                for i in range(1, top + 1):
                    fact[i] = fact[i - 1] * i % MOD
                inv = [1] * (top + 1)
                inv[top] = pow(fact[top], MOD - 2, MOD)
                for i in range(top, 0, -1):
                    inv[i - 1] = inv[i] * i % MOD
                print("\n".join([str(fact[n] * inv[r] % MOD * inv[n - r] % MOD) for n, r in zip(ns, rs)]))

            main()
        """,
        ),
        # Divides residues: fact[n] // (fact[r] * fact[n - r]) is only right while
        # no factorial has wrapped around the modulus (n <= 12).
        wrong(
            "divide_residues",
            "O(N + q)",
            r"""
            import sys

            def main():
                MOD = 10**9 + 7
                input = sys.stdin.readline
                q = int(input())
                queries = [tuple(map(int, input().split())) for _ in range(q)]
                top = max(n for n, _ in queries)
                fact = [1] * (top + 1)
                for i in range(1, top + 1):
                    fact[i] = fact[i - 1] * i % MOD
                for n, r in queries:
                    print(fact[n] // (fact[r] * fact[n - r]) % MOD)

            main()
        """,
        ),
    ),
)


# ---- numbers divisible by at least one of k given numbers -----------------------------


def _divisible(inp: str) -> str:
    t = tokens(inp)
    n, ds = t[0], t[2:]
    total = 0
    # inclusion-exclusion over all subsets, lcm-based
    k = len(ds)
    for mask in range(1, 1 << k):
        m, bits = 1, 0
        for i in range(k):
            if mask >> i & 1:
                m = math.lcm(m, ds[i])
                bits += 1
        total += (n // m) * (1 if bits % 2 else -1)
    return str(total)


def _divisible_input(rng, n: int, k: int, lo: int, hi: int) -> str:
    return fmt((n, k), rng.sample(range(lo, hi + 1), k))


DIVISIBLE = Task(
    name="divisible_by_any",
    difficulty="interview",
    statement="""
        Count the integers x with 1 <= x <= N that are divisible by at least one of
        the k given numbers d_1, ..., d_k.
    """,
    input_format="""
        The first line contains N and k (1 <= N <= 10^5, 1 <= k <= 10). The second line
        contains k distinct integers d_1, ..., d_k (2 <= d_i <= 100).
    """,
    output_format="Print the count.",
    reference=_divisible,
    example=fmt((20, 2), [3, 5]),
    edge_cases=(
        fmt((1, 1), [2]),
        fmt((100, 3), [4, 6, 10]),
        fmt((30, 3), [2, 4, 8]),
    ),
    large=lambda rng: [
        _divisible_input(rng, 60000, 10, 2, 100),
        _divisible_input(rng, 90000, 10, 6, 60),
    ],
    small=lambda rng: _divisible_input(rng, rng.randint(1, 60), rng.randint(1, 4), 2, 12),
    solutions=(
        ac(
            "check_every_number",
            "O(N*k)",
            r"""
            n, k = map(int, input().split())
            ds = list(map(int, input().split()))
            count = 0
            for x in range(1, n + 1):
                for d in ds:
                    if x % d == 0:
                        count += 1
                        break
            print(count)
        """,
        ),
        ac(
            "mark_multiples",
            "O(N * sum 1/d_i)",
            r"""
            def main():
                n, k = map(int, input().split())
                ds = list(map(int, input().split()))
                marked = [False] * (n + 1)
                for d in ds:
                    for m in range(d, n + 1, d):
                        marked[m] = True
                print(sum(marked))

            main()
        """,
        ),
        ac(
            "inclusion_exclusion_masks",
            "O(2^k * k)",
            r"""
            from math import gcd

            def main():
                n, k = map(int, input().split())
                ds = list(map(int, input().split()))
                total = 0
                for mask in range(1, 1 << k):
                    l = 1
                    bits = 0
                    for i in range(k):
                        if mask >> i & 1:
                            l = l * ds[i] // gcd(l, ds[i])
                            bits += 1
                    if bits % 2:
                        total += n // l
                    else:
                        total -= n // l
                print(total)

            main()
        """,
        ),
        ac(
            "mark_slices",
            "O(N * sum 1/d_i) in C",
            r"""
            import sys

            n, k, *ds = map(int, sys.stdin.read().split())
            marked = bytearray(n + 1)
            for d in ds:
                marked[d::d] = b"\x01" * (n // d)
            print(marked.count(1))
        """,
        ),
        # Depth-first inclusion-exclusion: a branch stops as soon as its lcm
        # exceeds N, since every extension only adds floor(N / lcm) = 0 terms.
        ac(
            "inclusion_exclusion_pruned",
            "O(subsets with lcm <= N)",
            r"""
            import sys
            from math import lcm

            def main():
                n, k = map(int, sys.stdin.readline().split())
                ds = sorted(map(int, sys.stdin.readline().split()))
                total = 0
                stack = [(0, 1, -1)]
                while stack:
                    start, l, sign = stack.pop()
                    for i in range(start, k):
                        m = lcm(l, ds[i])
                        if m <= n:
                            total -= sign * (n // m)
                            stack.append((i + 1, m, -sign))
                print(total)

            main()
        """,
        ),
        # Uses the product of a subset as its lcm: right for pairwise coprime
        # numbers, wrong once two of them share a factor (like 4 and 6).
        wrong(
            "product_not_lcm",
            "O(2^k * k)",
            r"""
            def main():
                n, k = map(int, input().split())
                ds = list(map(int, input().split()))
                total = 0
                for mask in range(1, 1 << k):
                    prod = 1
                    bits = 0
                    for i in range(k):
                        if mask >> i & 1:
                            prod *= ds[i]
                            bits += 1
                    total += n // prod if bits % 2 else -(n // prod)
                print(total)

            main()
        """,
        ),
    ),
)


# ---- sum of divisor counts -------------------------------------------------------------


def _divisor_sum(inp: str) -> str:
    n = int(inp.split()[0])
    return str(sum(n // d for d in range(1, n + 1)))


DIVISOR_SUM = Task(
    name="divisor_count_sum",
    difficulty="introductory",
    statement="""
        Let d(i) be the number of positive divisors of i (d(6) = 4: 1, 2, 3, 6).
        Given N, compute d(1) + d(2) + ... + d(N).
    """,
    input_format="One line with N (1 <= N <= 7500).",
    output_format="Print d(1) + d(2) + ... + d(N).",
    reference=_divisor_sum,
    example=fmt(3),
    edge_cases=(fmt(1), fmt(16), fmt(100)),
    large=lambda rng: [fmt(rng.randint(3000, 6000)), fmt(7500)],
    small=lambda rng: fmt(rng.randint(1, 200)),
    solutions=(
        ac(
            "trial_divisors",
            "O(N*sqrt(N))",
            r"""
            n = int(input())
            total = 0
            for i in range(1, n + 1):
                j = 1
                while j * j < i:
                    if i % j == 0:
                        total += 2
                    j += 1
                if j * j == i:
                    total += 1
            print(total)
        """,
        ),
        ac(
            "divisor_sieve",
            "O(N log N)",
            r"""
            def main():
                n = int(input())
                d = [0] * (n + 1)
                for i in range(1, n + 1):
                    for m in range(i, n + 1, i):
                        d[m] += 1
                print(sum(d))

            main()
        """,
        ),
        # d(1) + ... + d(N) counts pairs (d, m) with d*m <= N: N // d per d.
        ac(
            "floor_sum_loop",
            "O(N)",
            r"""
            n = int(input())
            total = 0
            for d in range(1, n + 1):
                total += n // d
            print(total)
        """,
        ),
        ac(
            "floor_sum_map",
            "O(N)",
            r"""
            import sys

            n = int(sys.stdin.readline())
            print(sum(map(n.__floordiv__, range(1, n + 1))))
        """,
        ),
        # Dirichlet's hyperbola: count pairs with d <= sqrt(N) twice and remove
        # the s*s pairs counted in both halves.
        ac(
            "hyperbola",
            "O(sqrt(N))",
            r"""
            from math import isqrt

            n = int(input())
            s = isqrt(n)
            print(2 * sum(n // d for d in range(1, s + 1)) - s * s)
        """,
        ),
        # Subtracts s instead of s*s: equal only while s = 1 (N < 4).
        wrong(
            "hyperbola_minus_s",
            "O(sqrt(N))",
            r"""
            from math import isqrt

            n = int(input())
            s = isqrt(n)
            print(2 * sum(n // d for d in range(1, s + 1)) - s)
        """,
        ),
    ),
)


TASKS = [PRIMES, RANGE_GCD, BINOMIALS, DIVISIBLE, DIVISOR_SUM]
