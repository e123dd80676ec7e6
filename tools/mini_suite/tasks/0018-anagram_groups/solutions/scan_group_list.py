n = int(input())
groups = []
for _ in range(n):
    key = "".join(sorted(input().strip()))
    for g in groups:
        if g[0] == key:
            g[1] += 1
            break
    else:
        groups.append([key, 1])
print(len(groups), max(g[1] for g in groups))
