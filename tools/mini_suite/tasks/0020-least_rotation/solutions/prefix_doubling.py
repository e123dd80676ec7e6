def main():
    s = input().strip()
    n = len(s)
    rank = [ord(c) for c in s]
    k = 1
    while k < n:
        key = [(rank[i], rank[(i + k) % n]) for i in range(n)]
        position = {v: r for r, v in enumerate(sorted(set(key)))}
        rank = [position[v] for v in key]
        k *= 2
    print(rank.index(min(rank)))

main()
