def main():
    R, C = map(int, input().split())
    grid = [input() for _ in range(R)]
    dist = [[-1] * C for _ in range(R)]
    stack = []
    for r in range(R):
        for c in range(C):
            if grid[r][c] == "S":
                dist[r][c] = 0
                stack.append((r, c))
    while stack:
        r, c = stack.pop()
        for nr, nc in ((r - 1, c), (r + 1, c), (r, c - 1), (r, c + 1)):
            if 0 <= nr < R and 0 <= nc < C and grid[nr][nc] != "#" and dist[nr][nc] == -1:
                dist[nr][nc] = dist[r][c] + 1
                stack.append((nr, nc))
    for r in range(R):
        for c in range(C):
            if grid[r][c] == "T":
                print(dist[r][c])

main()
