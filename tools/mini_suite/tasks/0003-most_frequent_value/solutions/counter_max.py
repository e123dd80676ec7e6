import sys
from collections import Counter

counts = Counter(sys.stdin.buffer.read().split()[1:])
top = max(counts.values())
print(min(int(v) for v, c in counts.items() if c == top), top)
