from bisect import bisect_left, bisect_right

def main():
    n, k = map(int, input().split())
    a = sorted(map(int, input().split()))
    count = 0
    for i in range(n):
        need = k - a[i]
        count += bisect_right(a, need, i + 1) - bisect_left(a, need, i + 1)
    print(count)

main()
