import sys
from collections import Counter

def main():
    input = sys.stdin.readline
    n, m = map(int, input().split())
    comp = list(range(n + 1))
    for _ in range(m):
        u, v = map(int, input().split())
        cu, cv = comp[u], comp[v]
        if cu != cv:
            comp = [cu if c == cv else c for c in comp]
    sizes = Counter(comp[1:])
    print(len(sizes), max(sizes.values()))

main()
