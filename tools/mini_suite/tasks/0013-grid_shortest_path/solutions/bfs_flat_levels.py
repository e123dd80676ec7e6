import sys

def main():
    data = sys.stdin.read().split()
    R, C = int(data[0]), int(data[1])
    W = C + 2
    cells = "#" * W + "".join("#" + row + "#" for row in data[2:2 + R]) + "#" * W
    blocked = [ch == "#" for ch in cells]
    start, target = cells.index("S"), cells.index("T")
    blocked[start] = True
    frontier, steps = [start], 0
    while frontier:
        nxt = []
        for p in frontier:
            if p == target:
                print(steps)
                return
            for q in (p - W, p + W, p - 1, p + 1):
                if not blocked[q]:
                    blocked[q] = True
                    nxt.append(q)
        frontier = nxt
        steps += 1
    print(-1)

main()
