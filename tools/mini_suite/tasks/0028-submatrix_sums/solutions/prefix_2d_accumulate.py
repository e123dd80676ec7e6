import sys
from itertools import accumulate

def main():
    data = sys.stdin.buffer.read().split()
    n, m, q = int(data[0]), int(data[1]), int(data[2])
    P = [[0] * (m + 1)]
    pos = 3
    for _ in range(n):
        row = [0, *accumulate(map(int, data[pos:pos + m]))]
        P.append([x + y for x, y in zip(row, P[-1])])
        pos += m
    qs = list(map(int, data[pos:pos + 4 * q]))
    out = []
    for k in range(0, 4 * q, 4):
        r1, c1, r2, c2 = qs[k:k + 4]
        out.append(P[r2][c2] - P[r1 - 1][c2] - P[r2][c1 - 1] + P[r1 - 1][c1 - 1])
    print("\n".join(map(str, out)))

main()
