import sys

t, p = sys.stdin.read().split()
count = 0
i = t.find(p)
while i != -1:
    count += 1
    i = t.find(p, i + 1)
print(count)
