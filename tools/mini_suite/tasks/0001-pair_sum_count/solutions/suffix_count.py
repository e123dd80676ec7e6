def main():
    n, k = map(int, input().split())
    a = list(map(int, input().split()))
    count = 0
    for i in range(n):
        count += a[i + 1:].count(k - a[i])
    print(count)

main()
