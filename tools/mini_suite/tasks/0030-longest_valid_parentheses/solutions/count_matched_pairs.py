s = input().strip()
opened = pairs = 0
for ch in s:
    if ch == "(":
        opened += 1
    elif opened:
        opened -= 1
        pairs += 1
print(2 * pairs)
