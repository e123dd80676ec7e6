from itertools import groupby

n = int(input())
keys = sorted("".join(sorted(input().strip())) for _ in range(n))
sizes = [len(list(g)) for _, g in groupby(keys)]
print(len(sizes), max(sizes))
