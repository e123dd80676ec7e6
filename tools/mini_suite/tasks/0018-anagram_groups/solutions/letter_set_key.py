from collections import Counter

def main():
    n = int(input())
    groups = Counter("".join(sorted(set(input().strip()))) for _ in range(n))
    print(len(groups), max(groups.values()))

main()
