n, q = map(int, input().split())
a = list(map(int, input().split()))
for _ in range(q):
    l, r = map(int, input().split())
    g = 0
    for i in range(l - 1, r):
        x = a[i]
        while x:
            g, x = x, g % x
    print(g)
