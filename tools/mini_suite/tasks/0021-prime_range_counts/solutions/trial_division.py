q = int(input())
queries = [tuple(map(int, input().split())) for _ in range(q)]
top = max(r for _, r in queries)
count = [0] * (top + 1)
for x in range(2, top + 1):
    d = 2
    prime = True
    while d * d <= x:
        if x % d == 0:
            prime = False
            break
        d += 1
    count[x] = count[x - 1] + prime
for l, r in queries:
    print(count[r] - count[l - 1])
