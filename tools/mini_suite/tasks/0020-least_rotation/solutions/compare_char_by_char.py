s = input().strip()
n = len(s)
best = 0
for k in range(1, n):
    for j in range(n):
        a = s[(k + j) % n]
        b = s[(best + j) % n]
        if a != b:
            if a < b:
                best = k
            break
print(best)
