def main():
    n = int(input())
    w = list(map(int, input().split()))
    can = [False] * (sum(w) + 1)
    can[0] = True
    high = 0
    for x in w:
        high += x
        for s in range(high, x - 1, -1):
            if can[s - x]:
                can[s] = True
    print(sum(can))

main()
