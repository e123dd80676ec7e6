def main():
    n = int(input())
    d = [0] * (n + 1)
    for i in range(1, n + 1):
        for m in range(i, n + 1, i):
            d[m] += 1
    print(sum(d))

main()
