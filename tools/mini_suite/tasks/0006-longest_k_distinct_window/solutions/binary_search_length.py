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
