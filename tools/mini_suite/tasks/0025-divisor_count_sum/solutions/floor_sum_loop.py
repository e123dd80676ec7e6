n = int(input())
total = 0
for d in range(1, n + 1):
    total += n // d
print(total)
