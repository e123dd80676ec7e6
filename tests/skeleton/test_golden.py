"""Golden skeletons of three small solution sets, checked by hand.

Each set is a few efficient solutions of one problem in the order Stage 1
ranks them, with a line profile of each as the sandbox would report it.
Every solution is the reference C_ref in turn; the goldens are the rows of
the fastest (rank 1) and, for `pairs`, of the second. What to look for:
- SMS keeps the tokens all solutions share in order (`map(int, input().split())`,
  `for ... in`, `print(`) and masks the names that differ.
- SSS keeps whole statements and expressions whose normalized shape recurs in
  every solution, whatever their names (`count = 0` vs `pairs = 0`), and
  masks the parts done differently (a dict loop vs `defaultdict`).
- TAS adds to SSS the hot statements of the reference (the counting loop)
  and those of the other solutions that have a match (Dice > 0.8) in the
  reference (`prefix`: another solution's hot `pre.append(...)`).
"""

from __future__ import annotations

import pytest

from effiskel.skeleton.extract import extract_task
from effiskel.skeleton.render import CharMask, check_skeleton

# --- count pairs with a given sum (hash map of values seen so far) ---------
PAIRS = [
    """n, k = map(int, input().split())
a = list(map(int, input().split()))
seen = {}
count = 0
for x in a:
    count += seen.get(k - x, 0)
    seen[x] = seen.get(x, 0) + 1
print(count)
""",
    """n, target = map(int, input().split())
nums = list(map(int, input().split()))
freq = {}
pairs = 0
for v in nums:
    pairs += freq.get(target - v, 0)
    freq[v] = freq.get(v, 0) + 1
print(pairs)
""",
    """from collections import defaultdict
n, k = map(int, input().split())
a = list(map(int, input().split()))
cnt = defaultdict(int)
ans = 0
for x in a:
    ans += cnt[k - x]
    cnt[x] += 1
print(ans)
""",
]
# δ = 26,462 ns (mean of the 8 executed lines): the loop, lines 5-7, is hot.
# The second solution has the same shape and is profiled alike.
PAIRS_PROFILE = {
    1: (1, 2000),
    2: (1, 9000),
    3: (1, 100),
    4: (1, 100),
    5: (100001, 30000),
    6: (100000, 90000),
    7: (100000, 80000),
    8: (1, 500),
}

# δ = 20,122 ns: the defaultdict loop, lines 6-8, is hot.
PAIRS_PROFILE_2 = {
    1: (1, 2000),
    2: (1, 9000),
    3: (1, 8000),
    4: (1, 1500),
    5: (1, 100),
    6: (100001, 30000),
    7: (100000, 70000),
    8: (100000, 60000),
    9: (1, 500),
}

PAIRS_SMS = """\
n, <MASK> = map(int, input().split())
<MASK> = list(map(int, input().split()))
<MASK> = <MASK>
<MASK> = 0
for <MASK> in <MASK>:
    <MASK> += <MASK> - <MASK>
    <MASK>[<MASK>] <MASK> 1
print(<MASK>)
"""

# `seen = {}` and the whole loop have no twin in the defaultdict solution (best
# Dice 0.67 and 0.59), so only `k - x` and `seen[x]` of the loop are shared.
PAIRS_SSS = """\
n, k = map(int, input().split())
a = list(map(int, input().split()))
<MASK>
count = 0
<MASK>
    <MASK>k - x<MASK>
    seen[x] <MASK>
print(count)
"""

# SSS plus the hot loop header and body statements (not line 2: 9,000 < δ). The
# other solutions' hot statements add nothing: the second's match these same ones,
# and the defaultdict ones have no match above 0.8 (`ans += cnt[k - x]` is closest
# to `count += seen.get(k - x, 0)`, Dice 14/20 = 0.7; `cnt[x] += 1` to
# `print(count)`, 0.4).
PAIRS_TAS = """\
n, k = map(int, input().split())
a = list(map(int, input().split()))
<MASK>
count = 0
for x in a:
    count += seen.get(k - x, 0)
    seen[x] = seen.get(x, 0) + 1
print(count)
"""

# The second solution as C_ref: it has the first's shape with other names, so its
# rows are the first's with its own names (SMS masks all names anyway).
PAIRS_2_SMS = PAIRS_SMS

PAIRS_2_SSS = """\
n, target = map(int, input().split())
nums = list(map(int, input().split()))
<MASK>
pairs = 0
<MASK>
    <MASK>target - v<MASK>
    freq[v] <MASK>
print(pairs)
"""

PAIRS_2_TAS = """\
n, target = map(int, input().split())
nums = list(map(int, input().split()))
<MASK>
pairs = 0
for v in nums:
    pairs += freq.get(target - v, 0)
    freq[v] = freq.get(v, 0) + 1
print(pairs)
"""


# --- range-sum queries over prefix sums --------------------------------------
PREFIX = [
    """n, q = map(int, input().split())
a = list(map(int, input().split()))
pre = [0]
for x in a:
    pre.append(pre[-1] + x)
for _ in range(q):
    l, r = map(int, input().split())
    print(pre[r] - pre[l - 1])
""",
    """from itertools import accumulate
n, q = map(int, input().split())
p = [0] + list(accumulate(map(int, input().split())))
for _ in range(q):
    l, r = map(int, input().split())
    print(p[r] - p[l - 1])
""",
    """n, q = map(int, input().split())
arr = list(map(int, input().split()))
s = [0] * (n + 1)
for i in range(n):
    s[i + 1] = s[i] + arr[i]
for _ in range(q):
    lo, hi = map(int, input().split())
    print(s[hi] - s[lo - 1])
""",
    """import sys
input = sys.stdin.readline
n, q = map(int, input().split())
a = list(map(int, input().split()))
pre = [0]
for x in a:
    pre.append(pre[-1] + x)
for _ in range(q):
    l, r = map(int, input().split())
    print(pre[r] - pre[l - 1])
""",
]
# δ = 15,506 ns: the query lines 7-8 are hot.
PREFIX_PROFILE = {
    1: (1, 1000),
    2: (1, 8000),
    3: (1, 50),
    4: (1001, 3000),
    5: (1000, 9000),
    6: (1001, 3000),
    7: (1000, 40000),
    8: (1000, 60000),
}
PREFIX_OTHER_PROFILES = [
    # δ = 23,667: the accumulate line 3 and the queries 5-6 are hot.
    {1: (1, 1000), 2: (1, 8000), 3: (1, 30000), 4: (1001, 3000), 5: (1000, 40000),
     6: (1000, 60000)},
    # δ = 17,888: the index loop's body (line 5) and the queries 7-8 are hot.
    {1: (1, 8000), 2: (1, 8000), 3: (1, 100), 4: (1001, 4000), 5: (1000, 20000),
     6: (1001, 3000), 7: (1000, 40000), 8: (1000, 60000)},
    # δ = 12,075: with fast input, building the sums (line 7) is hot too, and 9-10.
    {1: (1, 500), 2: (1, 200), 3: (1, 1000), 4: (1, 8000), 5: (1, 50), 6: (1001, 3000),
     7: (1000, 25000), 8: (1001, 3000), 9: (1000, 30000), 10: (1000, 50000)},
]

PREFIX_SMS = """\
n, q = map(int, input().split())
<MASK> = list(map(int, input().split()))
<MASK>
<MASK>
    <MASK>)
for _ in range(q):
    <MASK>, <MASK> = map(int, input().split())
    print(<MASK>[<MASK>] - <MASK>[<MASK> - 1])
"""

# The prefix-building loop is written three ways (append, accumulate,
# index); the query loop is the same shape in all four, so it is kept whole.
PREFIX_SSS = """\
n, q = map(int, input().split())
a = list(map(int, input().split()))
<MASK>
<MASK>
    <MASK>
for _ in range(q):
    l, r = map(int, input().split())
    print(pre[r] - pre[l - 1])
"""

# The reference's hot lines 7-8 are already in SSS. The fourth solution's hot
# `pre.append(pre[-1] + x)` is the reference's line 5 (Dice 1), which its own profile
# leaves cold (9,000 < δ): TAS adds it. The other hot statements add nothing new:
# the queries match lines 7-8 (`l, r = map(...)` also has the shape of line 1 and
# goes to the counterpart at its place, line 7), the accumulate line matches nothing
# above 0.8 (at most 2·11/28 = 0.79 by size) and `s[i + 1] = s[i] + arr[i]` neither
# (0.31 with line 2, 0.30 with line 5).
PREFIX_TAS = """\
n, q = map(int, input().split())
a = list(map(int, input().split()))
<MASK>
<MASK>
    pre.append(pre[-1] + x)
for _ in range(q):
    l, r = map(int, input().split())
    print(pre[r] - pre[l - 1])
"""


# --- most frequent word, smallest on ties -------------------------------------
FREQ = [
    """from collections import Counter
words = input().split()
counts = Counter(words)
best = max(counts.values())
print(min(w for w, c in counts.items() if c == best))
""",
    """words = input().split()
counts = {}
for w in words:
    counts[w] = counts.get(w, 0) + 1
best = max(counts.values())
print(min(w for w, c in counts.items() if c == best))
""",
    """from collections import Counter
c = Counter(input().split())
top = max(c.values())
print(sorted(w for w in c if c[w] == top)[0])
""",
    """import collections
words = input().split()
freq = collections.Counter(words)
m = max(freq.values())
print(min(k for k, v in freq.items() if v == m))
""",
    """from collections import Counter
tally = Counter(input().split())
hi = max(tally.values())
print(min(word for word, n in tally.items() if n == hi))
""",
]
# δ = 8,800 ns: building the Counter (line 3) and the final scan (line 5) are hot.
FREQ_PROFILE = {1: (1, 3000), 2: (1, 5000), 3: (1, 20000), 4: (1, 4000), 5: (1, 12000)}
FREQ_OTHER_PROFILES = [
    {1: (1, 5000), 2: (1, 2000), 3: (1001, 8000), 4: (1000, 30000), 5: (1, 4000),
     6: (1, 12000)},  # δ = 10,167: the counting loop's body and the scan
    {1: (1, 3000), 2: (1, 20000), 3: (1, 4000), 4: (1, 15000)},  # Counter and the sort
    {1: (1, 3000), 2: (1, 5000), 3: (1, 20000), 4: (1, 4000), 5: (1, 12000)},
    {1: (1, 3000), 2: (1, 21000), 3: (1, 4000), 4: (1, 12000)},
]

FREQ_SMS = """\
<MASK>
<MASK> = input().split()
<MASK>)
<MASK> = max(<MASK>.values())
print(<MASK>(<MASK> for <MASK> in <MASK> if <MASK> == <MASK>))
"""

# `counts = Counter(words)` has no twin in the dict-loop solution and the
# final `print(min(...))` none in the `sorted(...)[0]` one.
FREQ_SSS = """\
<MASK>
words = input().split()
<MASK>
best = max(counts.values())
<MASK> counts.items() <MASK>
"""

# SSS plus the hot lines 3 and 5. Only the import is left, and it is never hot
# nor matched (two AST nodes, fewer than SSS's min_nodes = 3).
FREQ_TAS = """\
<MASK>
words = input().split()
counts = Counter(words)
best = max(counts.values())
print(min(w for w, c in counts.items() if c == best))
"""


CASES = {
    "pairs": (PAIRS, [PAIRS_PROFILE, PAIRS_PROFILE, PAIRS_PROFILE_2],
              {1: {"sms": PAIRS_SMS, "sss": PAIRS_SSS, "tas": PAIRS_TAS},
               2: {"sms": PAIRS_2_SMS, "sss": PAIRS_2_SSS, "tas": PAIRS_2_TAS}}),
    "prefix": (PREFIX, [PREFIX_PROFILE, *PREFIX_OTHER_PROFILES],
               {1: {"sms": PREFIX_SMS, "sss": PREFIX_SSS, "tas": PREFIX_TAS}}),
    "freq": (FREQ, [FREQ_PROFILE, *FREQ_OTHER_PROFILES],
             {1: {"sms": FREQ_SMS, "sss": FREQ_SSS, "tas": FREQ_TAS}}),
}


def golden_rows(task: str) -> list[dict]:
    solutions, profiles, _ = CASES[task]
    ids = [f"{task}-{i}" for i in range(len(solutions))]
    return extract_task(
        task,
        "the task text",
        [{"solution_id": sid, "code": c, "rank": i + 1}
         for i, (sid, c) in enumerate(zip(ids, solutions))],
        dict(zip(ids, profiles)),
    )


@pytest.mark.parametrize("task", sorted(CASES))
def test_golden_skeletons(task):
    solutions, _, expected = CASES[task]
    rows = golden_rows(task)
    # One tuple per efficient solution and strategy, each solution the reference in turn.
    assert [(r["rank"], r["strategy"]) for r in rows] == [
        (rank, s) for rank in range(1, len(solutions) + 1) for s in ("sms", "sss", "tas")
    ]
    for row in rows:
        assert row["status"] == "ok", row["reason"]
        assert row["reason"] is None  # every profile was given and used
        i = row["rank"] - 1
        assert (row["task_id"], row["solution_id"], row["code"]) == (
            task, f"{task}-{i}", solutions[i])
        assert row["num_solutions"] == len(solutions)
        assert row["num_masks"] == row["skeleton"].count("<MASK>")
        check_skeleton(CharMask.from_string(row["code"], row["char_mask"]), row["skeleton"])
        if row["rank"] in expected:
            assert row["skeleton"] == expected[row["rank"]][row["strategy"]], (
                row["rank"], row["strategy"])


def test_tas_keeps_only_the_references_hot_statements_without_the_others_profiles():
    """Without the other solutions' profiles, `prefix` loses the hot statement only they
    have (line 5), and every TAS row says whose hot statements it lacks."""
    solutions, profiles, _ = CASES["prefix"]
    rows = extract_task(
        "prefix", "N", [{"solution_id": f"p{i}", "code": c, "rank": i + 1}
                        for i, c in enumerate(solutions)],
        {"p0": profiles[0]}, profile_errors={"p3": "line profile of solution 'p3' failed: TLE"})
    first = {r["strategy"]: r for r in rows if r["rank"] == 1}
    assert first["tas"]["status"] == "ok" and first["tas"]["skeleton"] == PREFIX_SSS
    assert "left out the hot statements of solution 'p1': no line profile" in first["tas"][
        "reason"]
    assert "solution 'p3': line profile of solution 'p3' failed: TLE" in first["tas"]["reason"]
    assert first["sss"]["reason"] is None
    # The others have no profile of their own: their TAS rows are errors naming why.
    later = [r for r in rows if r["strategy"] == "tas" and r["rank"] > 1]
    assert [r["status"] for r in later] == ["error"] * 3
    assert "line profile of reference solution 'p1'" in later[0]["reason"]
    assert later[2]["reason"] == "line profile of solution 'p3' failed: TLE"
