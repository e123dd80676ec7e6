def main():
    s = input().strip()
    d = s + s
    fail = [-1] * len(d)
    k = 0
    for j in range(1, len(d)):
        c = d[j]
        i = fail[j - k - 1]
        while i != -1 and c != d[k + i + 1]:
            if c < d[k + i + 1]:
                k = j - i - 1
            i = fail[i]
        if c != d[k + i + 1]:
            if c < d[k]:
                k = j
            fail[j - k] = -1
        else:
            fail[j - k] = i + 1
    print(k % len(s))

main()
