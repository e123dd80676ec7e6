def main():
    n = int(input())
    h = list(map(int, input().split()))
    best = 0
    for i in range(n):
        l = r = i
        while l > 0 and h[l - 1] >= h[i]:
            l -= 1
        while r < n - 1 and h[r + 1] >= h[i]:
            r += 1
        best = max(best, h[i] * (r - l + 1))
    print(best)

main()
