def main():
    n = int(input())
    a = list(map(int, input().split()))
    best = []
    for i, x in enumerate(a):
        best.append(1 + max([best[j] for j in range(i) if a[j] < x], default=0))
    print(max(best))

main()
