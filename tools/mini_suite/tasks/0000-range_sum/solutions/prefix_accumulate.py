import sys
from itertools import accumulate

data = sys.stdin.buffer.read().split()
n, q = int(data[0]), int(data[1])
prefix = [0, *accumulate(map(int, data[2:2 + n]))]
qs = list(map(int, data[2 + n:]))
print("\n".join([str(prefix[r] - prefix[l - 1]) for l, r in zip(qs[::2], qs[1::2])]))
