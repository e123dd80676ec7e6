from itertools import accumulate

def main():
    n, m, q = map(int, input().split())
    pre = [[0, *accumulate(map(int, input().split()))] for _ in range(n)]
    out = []
    for _ in range(q):
        r1, c1, r2, c2 = map(int, input().split())
        total = 0
        for r in range(r1 - 1, r2):
            row = pre[r]
            total += row[c2] - row[c1 - 1]
        out.append(total)
    print("\n".join(map(str, out)))

main()
