import sys

n, k, *ds = map(int, sys.stdin.read().split())
marked = bytearray(n + 1)
for d in ds:
    marked[d::d] = b"\x01" * (n // d)
print(marked.count(1))
