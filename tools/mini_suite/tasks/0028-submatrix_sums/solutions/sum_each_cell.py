n, m, q = map(int, input().split())
grid = [list(map(int, input().split())) for _ in range(n)]
for _ in range(q):
    r1, c1, r2, c2 = map(int, input().split())
    total = 0
    for r in range(r1 - 1, r2):
        for c in range(c1 - 1, c2):
            total += grid[r][c]
    print(total)
