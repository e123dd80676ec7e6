def main():
    t = input().strip()
    p = input().strip()
    s = p + "#" + t
    n, m = len(s), len(p)
    z = [0] * n
    l = r = 0
    count = 0
    for i in range(1, n):
        if i < r:
            z[i] = min(r - i, z[i - l])
        while i + z[i] < n and s[z[i]] == s[i + z[i]]:
            z[i] += 1
        if i + z[i] > r:
            l, r = i, i + z[i]
        if z[i] == m:
            count += 1
    print(count)

main()
