def main():
    n = int(input())
    a = list(map(int, input().split()))
    table = [a]
    k = 1
    while 2 * k <= n:
        prev = table[-1]
        table.append([max(prev[i], prev[i + k]) for i in range(n - 2 * k + 1)])
        k *= 2
    res = []
    for i in range(n):
        x = a[i]
        pos = i + 1
        for level in range(len(table) - 1, -1, -1):
            row = table[level]
            if pos < len(row) and row[pos] <= x:
                pos += 1 << level
        res.append(a[pos] if pos < n else -1)
    print(*res)

main()
