n = int(input())
sums = {0}
for x in map(int, input().split()):
    sums |= {s + x for s in sums}
print(len(sums))
