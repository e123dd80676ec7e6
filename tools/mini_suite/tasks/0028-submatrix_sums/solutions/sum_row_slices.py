import sys

def main():
    input = sys.stdin.readline
    n, m, q = map(int, input().split())
    grid = [list(map(int, input().split())) for _ in range(n)]
    out = []
    for _ in range(q):
        r1, c1, r2, c2 = map(int, input().split())
        out.append(sum(sum(row[c1 - 1:c2]) for row in grid[r1 - 1:r2]))
    print("\n".join(map(str, out)))

main()
