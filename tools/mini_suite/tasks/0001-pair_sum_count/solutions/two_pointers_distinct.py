def main():
    n, k = map(int, input().split())
    a = sorted(map(int, input().split()))
    count = 0
    i, j = 0, n - 1
    while i < j:
        s = a[i] + a[j]
        if s == k:
            count += 1
            i += 1
            j -= 1
        elif s < k:
            i += 1
        else:
            j -= 1
    print(count)

main()
