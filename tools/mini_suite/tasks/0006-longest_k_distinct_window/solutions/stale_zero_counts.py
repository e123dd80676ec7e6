def main():
    n, k = map(int, input().split())
    a = list(map(int, input().split()))
    counts = {}
    best = left = 0
    for right, x in enumerate(a):
        counts[x] = counts.get(x, 0) + 1
        while len(counts) > k and left <= right:
            counts[a[left]] -= 1
            left += 1
        best = max(best, right - left + 1)
    print(best)

main()
