import sys

def main():
    input = sys.stdin.readline
    n = int(input())
    groups = {}
    for _ in range(n):
        counts = [0] * 26
        for ch in input().strip():
            counts[ord(ch) - 97] += 1
        key = tuple(counts)
        groups[key] = groups.get(key, 0) + 1
    print(len(groups), max(groups.values()))

main()
