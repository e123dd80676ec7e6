t = input().strip()
p = input().strip()
print(t.count(p))
