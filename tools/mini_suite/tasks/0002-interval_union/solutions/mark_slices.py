import sys

data = list(map(int, sys.stdin.buffer.read().split()))
ls, rs = data[1::2], data[2::2]
covered = bytearray(max(rs) + 2)
for l, r in zip(ls, rs):
    covered[l:r + 1] = b"\x01" * (r - l + 1)
print(covered.count(b"\x00\x01"), covered.count(1))
