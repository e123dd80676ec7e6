from bisect import bisect_left

def main():
    s = input().strip()
    n = len(s)
    pre = [0] * (n + 1)
    for i, ch in enumerate(s):
        pre[i + 1] = pre[i] + (1 if ch == "(" else -1)
    table = [pre]
    k = 1
    while 2 * k <= n + 1:
        prev = table[-1]
        table.append([min(prev[i], prev[i + k]) for i in range(n + 2 - 2 * k)])
        k *= 2
    where = {}
    for i, v in enumerate(pre):
        where.setdefault(v, []).append(i)
    best = 0
    for i in range(n):
        base = pre[i]
        j = i + 1
        for level in range(len(table) - 1, -1, -1):
            row = table[level]
            if j < len(row) and row[j] >= base:
                j += 1 << level
        ends = where[base]
        best = max(best, ends[bisect_left(ends, j) - 1] - i)
    print(best)

main()
