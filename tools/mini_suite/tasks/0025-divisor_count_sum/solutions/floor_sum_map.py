import sys

n = int(sys.stdin.readline())
print(sum(map(n.__floordiv__, range(1, n + 1))))
