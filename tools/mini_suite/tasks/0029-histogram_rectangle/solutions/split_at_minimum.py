def main():
    n = int(input())
    h = list(map(int, input().split()))
    best = 0
    ranges = [(0, n)]
    while ranges:
        lo, hi = ranges.pop()
        if lo >= hi:
            continue
        m = min(range(lo, hi), key=h.__getitem__)
        best = max(best, h[m] * (hi - lo))
        ranges.append((lo, m))
        ranges.append((m + 1, hi))
    print(best)

main()
