import sys

def main():
    input = sys.stdin.readline
    q = int(input())
    queries = [tuple(map(int, input().split())) for _ in range(q)]
    top = max(r for _, r in queries)
    count = [0] * (top + 1)
    for x in range(2, top + 1):
        d = 2
        while d * d < x and x % d:
            d += 1
        count[x] = count[x - 1] + (d * d >= x)
    for l, r in queries:
        print(count[r] - count[l - 1])

main()
