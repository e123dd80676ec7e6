"""String tasks: palindromes, anagrams, pattern matching, rotations."""

from __future__ import annotations

from collections import Counter

from .spec import Task, ac, fmt, words, wrong

# ---- count palindromic substrings --------------------------------------------


def _palindromes(inp: str) -> str:
    s = inp.split()[0]
    n, count = len(s), 0
    for center in range(2 * n - 1):
        lo, hi = center // 2, center // 2 + center % 2
        while lo >= 0 and hi < n and s[lo] == s[hi]:
            count += 1
            lo, hi = lo - 1, hi + 1
    return str(count)


def _runs(rng, n: int, alphabet: str, max_run: int) -> str:
    """A string of length n made of runs of one letter (many palindromes)."""
    out: list[str] = []
    while len(out) < n:
        out += rng.choice(alphabet) * rng.randint(1, max_run)
    return "".join(out[:n])


PALINDROMES = Task(
    name="palindromic_substrings",
    difficulty="interview",
    statement="""
        Count the substrings of a string s that are palindromes (read the same
        forwards and backwards). Substrings at different positions count
        separately, even when they are equal as strings.
    """,
    input_format="One line with s: 1 to 500 lowercase English letters.",
    output_format="Print the number of palindromic substrings of s.",
    reference=_palindromes,
    example=fmt("abcba"),
    edge_cases=(fmt("z"), fmt("aaaa"), fmt("abba")),
    large=lambda rng: [
        fmt(words(rng, 1, 400, 400, "abc")[0]),
        fmt(_runs(rng, 500, "ab", 12)),
        fmt(_runs(rng, 500, "abc", 40)),
    ],
    small=lambda rng: fmt(_runs(rng, rng.randint(1, 12), "ab"[: rng.randint(1, 2)] + "c", 3)),
    solutions=(
        ac(
            "all_substrings",
            "O(n^3)",
            r"""
            s = input().strip()
            n = len(s)
            count = 0
            for i in range(n):
                for j in range(i + 1, n + 1):
                    t = s[i:j]
                    if t == t[::-1]:
                        count += 1
            print(count)
        """,
        ),
        ac(
            "dp_table",
            "O(n^2)",
            r"""
            def main():
                s = input().strip()
                n = len(s)
                pal = [[False] * n for _ in range(n)]
                count = 0
                for i in range(n - 1, -1, -1):
                    for j in range(i, n):
                        if s[i] == s[j] and (j - i < 2 or pal[i + 1][j - 1]):
                            pal[i][j] = True
                            count += 1
                print(count)

            main()
        """,
        ),
        # Row by row over lengths: s[i:i+L] is a palindrome iff its ends match
        # and s[i+1:i+L-1] (length L-2, kept from two rows back) is one; each
        # row is built by map() over C functions, without a Python-level loop.
        ac(
            "dp_rows_map",
            "O(n^2)",
            r"""
            from operator import and_, eq

            def main():
                s = input().strip()
                n = len(s)
                two = [True] * (n + 1)
                one = [True] * n
                count = n
                for length in range(2, n + 1):
                    cur = list(map(and_, map(eq, s, s[length - 1:]), two[1:]))
                    count += sum(cur)
                    two, one = one, cur
                print(count)

            main()
        """,
        ),
        ac(
            "expand_centers",
            "O(n + answer)",
            r"""
            def main():
                s = input().strip()
                n = len(s)
                count = 0
                for center in range(2 * n - 1):
                    l = center // 2
                    r = l + center % 2
                    while l >= 0 and r < n and s[l] == s[r]:
                        count += 1
                        l -= 1
                        r += 1
                print(count)

            main()
        """,
        ),
        ac(
            "manacher",
            "O(n)",
            r"""
            import sys

            def main():
                s = sys.stdin.readline().strip()
                t = "^#" + "#".join(s) + "#$"
                p = [0] * len(t)
                center = right = 0
                for i in range(1, len(t) - 1):
                    if i < right:
                        p[i] = min(right - i, p[2 * center - i])
                    while t[i + p[i] + 1] == t[i - p[i] - 1]:
                        p[i] += 1
                    if i + p[i] > right:
                        center, right = i, i + p[i]
                print(sum((v + 1) // 2 for v in p))

            main()
        """,
        ),
        # Expands odd-length palindromes only: misses "aa", "abba", ...
        wrong(
            "odd_centers_only",
            "O(n + answer)",
            r"""
            def main():
                s = input().strip()
                n = len(s)
                count = 0
                for c in range(n):
                    l = r = c
                    while l >= 0 and r < n and s[l] == s[r]:
                        count += 1
                        l -= 1
                        r += 1
                print(count)

            main()
        """,
        ),
    ),
)


# ---- anagram groups ----------------------------------------------------------------


def _anagrams(inp: str) -> str:
    groups = Counter("".join(sorted(w)) for w in inp.split()[1:])
    return f"{len(groups)} {max(groups.values())}"


def _anagram_input(rng, n: int, groups: int, min_len: int, max_len: int, alphabet: str) -> str:
    """n words, each a shuffle of one of `groups` random base words."""
    bases = words(rng, groups, min_len, max_len, alphabet)
    out = []
    for _ in range(n):
        letters = list(rng.choice(bases))
        rng.shuffle(letters)
        out.append("".join(letters))
    return fmt(n, *out)


ANAGRAMS = Task(
    name="anagram_groups",
    difficulty="introductory",
    statement="""
        Two words are anagrams if one is a rearrangement of the letters of the
        other ("listen" and "silent"; a word is an anagram of itself). Split the
        given words into groups of anagrams. Print how many groups there are and
        how many words the largest group has.
    """,
    input_format="""
        The first line contains n (1 <= n <= 5000). Each of the next n lines contains
        a word of 1 to 10 lowercase English letters. Words may repeat.
    """,
    output_format="Print two integers: the number of groups and the size of the largest group.",
    reference=_anagrams,
    example=fmt(6, "listen", "silent", "enlist", "google", "banana", "tinsel"),
    edge_cases=(
        fmt(1, "a"),
        fmt(4, "ab", "ba", "ab", "abb"),
        fmt(3, "aab", "abb", "bab"),
    ),
    large=lambda rng: [
        _anagram_input(rng, 3000, 200, 1, 10, "abcdefghijklmnopqrstuvwxyz"),
        _anagram_input(rng, 4000, 300, 3, 8, "abcdef"),
    ],
    small=lambda rng: _anagram_input(rng, rng.randint(1, 8), rng.randint(1, 5), 1, 3, "abc"),
    solutions=(
        ac(
            "scan_group_list",
            "O(n*groups)",
            r"""
            n = int(input())
            groups = []
            for _ in range(n):
                key = "".join(sorted(input().strip()))
                for g in groups:
                    if g[0] == key:
                        g[1] += 1
                        break
                else:
                    groups.append([key, 1])
            print(len(groups), max(g[1] for g in groups))
        """,
        ),
        ac(
            "letter_count_key",
            "O(n*(L + 26))",
            r"""
            import sys

            def main():
                input = sys.stdin.readline
                n = int(input())
                groups = {}
                for _ in range(n):
                    counts = [0] * 26
                    for ch in input().strip():
                        counts[ord(ch) - 97] += 1
                    key = tuple(counts)
                    groups[key] = groups.get(key, 0) + 1
                print(len(groups), max(groups.values()))

            main()
        """,
        ),
        ac(
            "sort_keys_groupby",
            "O(n*L log L + n log n)",
            r"""
            from itertools import groupby

            n = int(input())
            keys = sorted("".join(sorted(input().strip())) for _ in range(n))
            sizes = [len(list(g)) for _, g in groupby(keys)]
            print(len(sizes), max(sizes))
        """,
        ),
        ac(
            "dict_sorted_key",
            "O(n*L log L)",
            r"""
            import sys
            from collections import defaultdict

            def main():
                input = sys.stdin.readline
                n = int(input())
                groups = defaultdict(int)
                for _ in range(n):
                    groups["".join(sorted(input().strip()))] += 1
                print(len(groups), max(groups.values()))

            main()
        """,
        ),
        ac(
            "counter_bulk",
            "O(n*L log L)",
            r"""
            import sys
            from collections import Counter

            words = sys.stdin.read().split()[1:]
            groups = Counter("".join(sorted(w)) for w in words)
            print(len(groups), max(groups.values()))
        """,
        ),
        # Keys on the set of letters: "aab" and "abb" land in one group.
        wrong(
            "letter_set_key",
            "O(n*L log L)",
            r"""
            from collections import Counter

            def main():
                n = int(input())
                groups = Counter("".join(sorted(set(input().strip()))) for _ in range(n))
                print(len(groups), max(groups.values()))

            main()
        """,
        ),
    ),
)


# ---- occurrences of a pattern (overlapping) -----------------------------------------


def _occurrences(inp: str) -> str:
    t, p = inp.split()
    count, i = 0, t.find(p)
    while i != -1:
        count, i = count + 1, t.find(p, i + 1)
    return str(count)


def _periodic(rng, n: int, period: str, noise: float) -> str:
    """n letters repeating `period`, each replaced by a random one with probability noise."""
    return "".join(
        rng.choice("ab") if rng.random() < noise else period[i % len(period)] for i in range(n)
    )


OCCURRENCES = Task(
    name="pattern_occurrences",
    difficulty="introductory",
    statement="""
        Count how many times the pattern p occurs in the text t. Occurrences may
        overlap: "aa" occurs three times in "aaaa".
    """,
    input_format="""
        The first line contains t, the second line contains p; both consist of 1 to
        20000 lowercase English letters.
    """,
    output_format="Print the number of positions i such that p starts at position i of t.",
    reference=_occurrences,
    example=fmt("abracadabra", "abra"),
    edge_cases=(
        fmt("aaaa", "aa"),
        fmt("ab", "abc"),
        fmt("x", "x"),
    ),
    large=lambda rng: [
        fmt(_periodic(rng, 20000, "ab", 0.01), "abababab"),
        fmt(_periodic(rng, 15000, "a", 0.02), "a" * 20),
        fmt("a" * 6000, "a" * 59 + "b"),
    ],
    small=lambda rng: fmt(
        _periodic(rng, rng.randint(1, 14), "ab"[: rng.randint(1, 2)], 0.3),
        _periodic(rng, rng.randint(1, 4), "ab"[: rng.randint(1, 2)], 0.3),
    ),
    solutions=(
        ac(
            "char_by_char",
            "O(n*m)",
            r"""
            t = input().strip()
            p = input().strip()
            n, m = len(t), len(p)
            count = 0
            for i in range(n - m + 1):
                j = 0
                while j < m and t[i + j] == p[j]:
                    j += 1
                if j == m:
                    count += 1
            print(count)
        """,
        ),
        ac(
            "z_function",
            "O(n + m)",
            r"""
            def main():
                t = input().strip()
                p = input().strip()
                s = p + "#" + t
                n, m = len(s), len(p)
                z = [0] * n
                l = r = 0
                count = 0
                for i in range(1, n):
                    if i < r:
                        z[i] = min(r - i, z[i - l])
                    while i + z[i] < n and s[z[i]] == s[i + z[i]]:
                        z[i] += 1
                    if i + z[i] > r:
                        l, r = i, i + z[i]
                    if z[i] == m:
                        count += 1
                print(count)

            main()
        """,
        ),
        ac(
            "kmp",
            "O(n + m)",
            r"""
            import sys

            t, p = sys.stdin.read().split()
            m = len(p)
            fail = [0] * m
            k = 0
            for i in range(1, m):
                while k and p[i] != p[k]:
                    k = fail[k - 1]
                if p[i] == p[k]:
                    k += 1
                fail[i] = k
            count = k = 0
            for ch in t:
                while k and ch != p[k]:
                    k = fail[k - 1]
                if ch == p[k]:
                    k += 1
                if k == m:
                    count += 1
                    k = fail[k - 1]
            print(count)
        """,
        ),
        ac(
            "slice_compare",
            "O(n*m)",
            r"""
            def main():
                t = input().strip()
                p = input().strip()
                m = len(p)
                print(sum(1 for i in range(len(t) - m + 1) if t[i:i + m] == p))

            main()
        """,
        ),
        ac(
            "find_loop",
            "O(n*m)",
            r"""
            import sys

            t, p = sys.stdin.read().split()
            count = 0
            i = t.find(p)
            while i != -1:
                count += 1
                i = t.find(p, i + 1)
            print(count)
        """,
        ),
        # str.count counts non-overlapping occurrences only.
        wrong(
            "str_count",
            "O(n*m)",
            r"""
            t = input().strip()
            p = input().strip()
            print(t.count(p))
        """,
        ),
    ),
)


# ---- least rotation ------------------------------------------------------------------


def _least_rotation(inp: str) -> str:
    s = inp.split()[0]
    d, n = s + s, len(s)
    return str(min(range(n), key=lambda k: d[k : k + n]))


ROTATION = Task(
    name="least_rotation",
    difficulty="interview",
    statement="""
        Rotating a string s = s_0 s_1 ... s_{n-1} by k gives s_k ... s_{n-1} s_0 ...
        s_{k-1}. Find the lexicographically smallest rotation of s and print the
        smallest k that gives it.
    """,
    input_format="One line with s: 1 to 1000 lowercase English letters.",
    output_format="Print the smallest k (0 <= k < n) whose rotation is the smallest.",
    reference=_least_rotation,
    example=fmt("cabcabd"),
    edge_cases=(fmt("a"), fmt("bbbb"), fmt("abab"), fmt("bca")),
    large=lambda rng: [
        fmt(words(rng, 1, 1000, 1000, "ab")[0]),
        fmt("".join(rng.choice(["ab", "aab"]) for _ in range(250))),
        fmt("a" * 549 + "b" + "a" * 100),
    ],
    small=lambda rng: fmt(_periodic(rng, rng.randint(1, 10), "ab"[: rng.randint(1, 2)], 0.3)),
    solutions=(
        ac(
            "compare_char_by_char",
            "O(n^2)",
            r"""
            s = input().strip()
            n = len(s)
            best = 0
            for k in range(1, n):
                for j in range(n):
                    a = s[(k + j) % n]
                    b = s[(best + j) % n]
                    if a != b:
                        if a < b:
                            best = k
                        break
            print(best)
        """,
        ),
        # Prefix doubling, as for suffix arrays: after round r, equal ranks mean
        # equal first 2^r letters (cyclically); once 2^r >= n, equal rotations.
        ac(
            "prefix_doubling",
            "O(n log^2 n)",
            r"""
            def main():
                s = input().strip()
                n = len(s)
                rank = [ord(c) for c in s]
                k = 1
                while k < n:
                    key = [(rank[i], rank[(i + k) % n]) for i in range(n)]
                    position = {v: r for r, v in enumerate(sorted(set(key)))}
                    rank = [position[v] for v in key]
                    k *= 2
                print(rank.index(min(rank)))

            main()
        """,
        ),
        ac(
            "min_of_slices",
            "O(n^2)",
            r"""
            s = input().strip()
            n = len(s)
            d = s + s
            print(min(range(n), key=lambda k: d[k:k + n]))
        """,
        ),
        ac(
            "booth",
            "O(n)",
            r"""
            def main():
                s = input().strip()
                d = s + s
                fail = [-1] * len(d)
                k = 0
                for j in range(1, len(d)):
                    c = d[j]
                    i = fail[j - k - 1]
                    while i != -1 and c != d[k + i + 1]:
                        if c < d[k + i + 1]:
                            k = j - i - 1
                        i = fail[i]
                    if c != d[k + i + 1]:
                        if c < d[k]:
                            k = j
                        fail[j - k] = -1
                    else:
                        fail[j - k] = i + 1
                print(k % len(s))

            main()
        """,
        ),
        # The classic "minimum expression" two-pointer scan: candidates i and j,
        # k = length of their common prefix; the loser jumps past it.
        ac(
            "two_candidates",
            "O(n)",
            r"""
            import sys

            def main():
                s = sys.stdin.readline().strip()
                n = len(s)
                d = s + s
                i, j, k = 0, 1, 0
                while i < n and j < n and k < n:
                    a, b = d[i + k], d[j + k]
                    if a == b:
                        k += 1
                        continue
                    if a > b:
                        i += k + 1
                    else:
                        j += k + 1
                    if i == j:
                        j += 1
                    k = 0
                print(min(i, j))

            main()
        """,
        ),
        # `<=` keeps the last of several equal smallest rotations, not the first:
        # wrong exactly when s is periodic.
        wrong(
            "last_of_ties",
            "O(n^2)",
            r"""
            s = input().strip()
            n = len(s)
            d = s + s
            best = 0
            for k in range(1, n):
                if d[k:k + n] <= d[best:best + n]:
                    best = k
            print(best)
        """,
        ),
    ),
)


TASKS = [PALINDROMES, ANAGRAMS, OCCURRENCES, ROTATION]
