import heapq
import sys

def main():
    input = sys.stdin.readline
    R, C = map(int, input().split())
    grid = [input().strip() for _ in range(R)]
    INF = float("inf")
    dist = [[INF] * C for _ in range(R)]
    heap = []
    for r in range(R):
        for c in range(C):
            if grid[r][c] == "S":
                dist[r][c] = 0
                heap.append((0, r, c))
    while heap:
        d, r, c = heapq.heappop(heap)
        if d > dist[r][c]:
            continue
        if grid[r][c] == "T":
            print(d)
            return
        for nr, nc in ((r - 1, c), (r + 1, c), (r, c - 1), (r, c + 1)):
            if 0 <= nr < R and 0 <= nc < C and grid[nr][nc] != "#" and d + 1 < dist[nr][nc]:
                dist[nr][nc] = d + 1
                heapq.heappush(heap, (d + 1, nr, nc))
    print(-1)

main()
