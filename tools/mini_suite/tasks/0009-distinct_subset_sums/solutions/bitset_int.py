import sys

data = sys.stdin.read().split()
bits = 1
for x in map(int, data[1:]):
    bits |= bits << x
print(bin(bits).count("1"))
