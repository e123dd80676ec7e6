def main():
    n, k = map(int, input().split())
    ds = list(map(int, input().split()))
    marked = [False] * (n + 1)
    for d in ds:
        for m in range(d, n + 1, d):
            marked[m] = True
    print(sum(marked))

main()
