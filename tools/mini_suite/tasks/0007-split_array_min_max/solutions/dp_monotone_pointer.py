def main():
    n, k = map(int, input().split())
    a = list(map(int, input().split()))
    prefix = [0]
    for x in a:
        prefix.append(prefix[-1] + x)
    best = prefix[:]
    for parts in range(2, k + 1):
        new = [0] * (n + 1)
        p = parts - 1
        for i in range(parts, n + 1):
            while p + 1 < i and max(best[p + 1], prefix[i] - prefix[p + 1]) <= max(best[p], prefix[i] - prefix[p]):
                p += 1
            new[i] = max(best[p], prefix[i] - prefix[p])
        best = new
    print(best[n])

main()
