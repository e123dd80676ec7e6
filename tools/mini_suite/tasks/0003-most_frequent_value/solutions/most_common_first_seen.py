from collections import Counter

n = int(input())
value, count = Counter(map(int, input().split())).most_common(1)[0]
print(value, count)
