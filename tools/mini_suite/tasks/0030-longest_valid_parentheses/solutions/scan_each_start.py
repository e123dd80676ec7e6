s = input().strip()
n = len(s)
best = 0
for i in range(n):
    balance = 0
    for j in range(i, n):
        balance += 1 if s[j] == "(" else -1
        if balance < 0:
            break
        if balance == 0 and j - i + 1 > best:
            best = j - i + 1
print(best)
