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
