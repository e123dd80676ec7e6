q = int(input())
items = []
out = []
for _ in range(q):
    op = input().split()
    if op[0] == "+":
        items.append(int(op[1]))
    elif not items:
        out.append("EMPTY")
    else:
        best = 0
        for i in range(1, len(items)):
            if items[i] < items[best]:
                best = i
        out.append(str(items[best]))
        items[best] = items[-1]
        items.pop()
print("\n".join(out))
