"""Golden skeletons of three small solution sets, checked by hand.

Each set is a few efficient solutions of one problem in the order Stage 1
ranks them (the first is the reference), with a line profile of the
reference as the sandbox would report it. What to look for:
- SMS keeps the tokens all solutions share in order (`map(int, input().split())`,
  `for ... in`, `print(`) and masks the names that differ.
- SSS keeps whole statements and expressions whose normalized shape recurs in
  every solution, whatever their names (`count = 0` vs `pairs = 0`), and
  masks the parts done differently (a dict loop vs `defaultdict`).
- TAS adds the hot statements of the reference (the counting loop) to SSS.
"""

from __future__ import annotations

import pytest

from effiskel.skeleton import extract_task
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

# SSS plus the hot loop header and body statements (not line 2: 9,000 < δ).
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

# The hot lines 7-8 are already in SSS, so TAS adds nothing.
PREFIX_TAS = """\
n, q = map(int, input().split())
a = list(map(int, input().split()))
<MASK>
<MASK>
    <MASK>
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

# SSS plus the hot lines 3 and 5.
FREQ_TAS = """\
<MASK>
words = input().split()
counts = Counter(words)
best = max(counts.values())
print(min(w for w, c in counts.items() if c == best))
"""


CASES = {
    "pairs": (PAIRS, PAIRS_PROFILE, {"sms": PAIRS_SMS, "sss": PAIRS_SSS, "tas": PAIRS_TAS}),
    "prefix": (PREFIX, PREFIX_PROFILE, {"sms": PREFIX_SMS, "sss": PREFIX_SSS, "tas": PREFIX_TAS}),
    "freq": (FREQ, FREQ_PROFILE, {"sms": FREQ_SMS, "sss": FREQ_SSS, "tas": FREQ_TAS}),
}


@pytest.mark.parametrize("task", sorted(CASES))
def test_golden_skeletons(task):
    solutions, profile, expected = CASES[task]
    rows = extract_task(
        task,
        "the task text",
        [{"solution_id": f"{task}-{i}", "code": c, "rank": i + 1} for i, c in enumerate(solutions)],
        profile,
    )
    assert [r["strategy"] for r in rows] == ["sms", "sss", "tas"]
    for row in rows:
        assert row["status"] == "ok", row["reason"]
        assert (row["task_id"], row["solution_id"], row["code"]) == (
            task,
            f"{task}-0",
            solutions[0],
        )
        assert row["num_solutions"] == len(solutions)
        assert row["skeleton"] == expected[row["strategy"]], row["strategy"]
        assert row["num_masks"] == row["skeleton"].count("<MASK>")
        check_skeleton(CharMask.from_string(row["code"], row["char_mask"]), row["skeleton"])
