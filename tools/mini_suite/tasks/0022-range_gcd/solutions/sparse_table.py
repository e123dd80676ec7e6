import sys
from math import gcd

def main():
    data = sys.stdin.buffer.read().split()
    n, q = int(data[0]), int(data[1])
    table = [list(map(int, data[2:2 + n]))]
    step = 1
    while 2 * step <= n:
        prev = table[-1]
        table.append([gcd(prev[i], prev[i + step]) for i in range(n - 2 * step + 1)])
        step *= 2
    out = []
    for k in range(2 + n, 2 + n + 2 * q, 2):
        l, r = int(data[k]) - 1, int(data[k + 1])
        j = (r - l).bit_length() - 1
        row = table[j]
        out.append(gcd(row[l], row[r - (1 << j)]))
    print("\n".join(map(str, out)))

main()
