import sys

def main():
    input = sys.stdin.readline
    n, k = map(int, input().split())
    a = list(map(int, input().split()))
    counts = {}
    best = left = 0
    for right, x in enumerate(a):
        counts[x] = counts.get(x, 0) + 1
        while len(counts) > k:
            y = a[left]
            counts[y] -= 1
            if counts[y] == 0:
                del counts[y]
            left += 1
        if right - left + 1 > best:
            best = right - left + 1
    print(best)

main()
