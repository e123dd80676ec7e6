n = int(input())
total = 0
for i in range(1, n + 1):
    j = 1
    while j * j < i:
        if i % j == 0:
            total += 2
        j += 1
    if j * j == i:
        total += 1
print(total)
