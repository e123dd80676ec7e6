n, k = map(int, input().split())
ds = list(map(int, input().split()))
count = 0
for x in range(1, n + 1):
    for d in ds:
        if x % d == 0:
            count += 1
            break
print(count)
