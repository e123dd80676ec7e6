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
