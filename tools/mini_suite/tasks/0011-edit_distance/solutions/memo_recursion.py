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
