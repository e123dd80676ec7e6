s = input().strip()
n = len(s)
d = s + s
print(min(range(n), key=lambda k: d[k:k + n]))
