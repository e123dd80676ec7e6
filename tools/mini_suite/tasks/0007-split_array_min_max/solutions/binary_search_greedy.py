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
