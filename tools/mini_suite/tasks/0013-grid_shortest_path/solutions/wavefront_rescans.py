def main():
    R, C = map(int, input().split())
    grid = [input() for _ in range(R)]
    dist = [[-1] * C for _ in range(R)]
    for r in range(R):
        for c in range(C):
            if grid[r][c] == "S":
                dist[r][c] = 0
            elif grid[r][c] == "T":
                tr, tc = r, c
    d = 0
    changed = True
    while dist[tr][tc] == -1 and changed:
        changed = False
        for r in range(R):
            for c in range(C):
                if dist[r][c] == d:
                    for nr, nc in ((r - 1, c), (r + 1, c), (r, c - 1), (r, c + 1)):
                        if 0 <= nr < R and 0 <= nc < C and grid[nr][nc] != "#" and dist[nr][nc] == -1:
                            dist[nr][nc] = d + 1
                            changed = True
        d += 1
    print(dist[tr][tc])

main()
