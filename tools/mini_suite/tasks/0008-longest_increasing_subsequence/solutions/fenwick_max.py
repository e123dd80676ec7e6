def main():
    n = int(input())
    a = list(map(int, input().split()))
    rank = {v: i + 1 for i, v in enumerate(sorted(set(a)))}
    size = len(rank)
    tree = [0] * (size + 1)
    answer = 0
    for x in a:
        i = rank[x] - 1          # best length ending below x
        best = 0
        while i > 0:
            if tree[i] > best:
                best = tree[i]
            i -= i & -i
        best += 1
        answer = max(answer, best)
        i = rank[x]
        while i <= size:
            if tree[i] < best:
                tree[i] = best
            i += i & -i
    print(answer)

main()
