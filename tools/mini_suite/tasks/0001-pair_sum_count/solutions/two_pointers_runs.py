n, k = map(int, input().split())
a = sorted(map(int, input().split()))
count = 0
i, j = 0, n - 1
while i < j:
    s = a[i] + a[j]
    if s < k:
        i += 1
    elif s > k:
        j -= 1
    elif a[i] == a[j]:
        m = j - i + 1
        count += m * (m - 1) // 2
        break
    else:
        x, y = a[i], a[j]
        ci = cj = 0
        while a[i] == x:
            i += 1
            ci += 1
        while a[j] == y:
            j -= 1
            cj += 1
        count += ci * cj
print(count)
