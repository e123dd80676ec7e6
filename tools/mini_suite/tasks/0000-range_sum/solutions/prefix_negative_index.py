import sys
input = sys.stdin.readline

n, q = map(int, input().split())
a = list(map(int, input().split()))
prefix = []
running = 0
for x in a:
    running += x
    prefix.append(running)
out = []
for _ in range(q):
    l, r = map(int, input().split())
    out.append(prefix[r - 1] - prefix[l - 2])
print("\n".join(map(str, out)))
