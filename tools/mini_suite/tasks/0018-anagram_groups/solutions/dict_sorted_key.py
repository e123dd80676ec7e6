import sys
from collections import defaultdict

def main():
    input = sys.stdin.readline
    n = int(input())
    groups = defaultdict(int)
    for _ in range(n):
        groups["".join(sorted(input().strip()))] += 1
    print(len(groups), max(groups.values()))

main()
