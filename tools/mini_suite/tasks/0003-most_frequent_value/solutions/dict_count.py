import sys

def main():
    input = sys.stdin.readline
    n = int(input())
    counts = {}
    for x in map(int, input().split()):
        counts[x] = counts.get(x, 0) + 1
    best = min(counts, key=lambda v: (-counts[v], v))
    print(best, counts[best])

main()
