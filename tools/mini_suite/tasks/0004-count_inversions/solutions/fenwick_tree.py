n = int(input())
a = list(map(int, input().split()))
rank = {v: i + 1 for i, v in enumerate(sorted(set(a)))}
size = len(rank)
tree = [0] * (size + 1)
count = 0
for seen, x in enumerate(a):
    i = rank[x]
    not_greater = 0
    while i > 0:
        not_greater += tree[i]
        i -= i & -i
    count += seen - not_greater
    i = rank[x]
    while i <= size:
        tree[i] += 1
        i += i & -i
print(count)
