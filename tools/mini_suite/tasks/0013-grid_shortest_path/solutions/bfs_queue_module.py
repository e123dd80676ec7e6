import queue

R, C = map(int, input().split())
grid = [input() for _ in range(R)]
for r in range(R):
    for c in range(C):
        if grid[r][c] == "S":
            start = (r, c)
dist = {start: 0}
q = queue.Queue()
q.put(start)
answer = -1
while not q.empty():
    r, c = q.get()
    if grid[r][c] == "T":
        answer = dist[(r, c)]
        break
    for nr, nc in ((r - 1, c), (r + 1, c), (r, c - 1), (r, c + 1)):
        if 0 <= nr < R and 0 <= nc < C and grid[nr][nc] != "#" and (nr, nc) not in dist:
            dist[(nr, nc)] = dist[(r, c)] + 1
            q.put((nr, nc))
print(answer)
