def main():
    n = int(input())
    a = list(map(int, input().split()))
    best, best_count = None, 0
    for x in sorted(set(a)):
        c = a.count(x)
        if c > best_count:
            best, best_count = x, c
    print(best, best_count)

main()
