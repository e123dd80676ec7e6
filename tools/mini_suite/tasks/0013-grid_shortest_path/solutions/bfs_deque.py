import sys
from collections import deque

def main():
    input = sys.stdin.readline
    R, C = map(int, input().split())
    grid = [input().strip() for _ in range(R)]
    dist = [[-1] * C for _ in range(R)]
    q = deque()
    for r in range(R):
        c = grid[r].find("S")
        if c >= 0:
            dist[r][c] = 0
            q.append((r, c))
    while q:
        r, c = q.popleft()
        if grid[r][c] == "T":
            print(dist[r][c])
            return
        for nr, nc in ((r - 1, c), (r + 1, c), (r, c - 1), (r, c + 1)):
            if 0 <= nr < R and 0 <= nc < C and dist[nr][nc] < 0 and grid[nr][nc] != "#":
                dist[nr][nc] = dist[r][c] + 1
                q.append((nr, nc))
    print(-1)

main()
