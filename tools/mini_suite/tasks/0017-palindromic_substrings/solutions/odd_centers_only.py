def main():
    s = input().strip()
    n = len(s)
    count = 0
    for c in range(n):
        l = r = c
        while l >= 0 and r < n and s[l] == s[r]:
            count += 1
            l -= 1
            r += 1
    print(count)

main()
