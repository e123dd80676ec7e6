def main():
    q = int(input())
    queries = [tuple(map(int, input().split())) for _ in range(q)]
    top = max(r for _, r in queries)
    is_prime = [True] * (top + 1)
    is_prime[0] = is_prime[1] = False
    p = 2
    while p * p <= top:
        if is_prime[p]:
            for m in range(p * p, top + 1, p):
                is_prime[m] = False
        p += 1
    count = [0] * (top + 1)
    for x in range(1, top + 1):
        count[x] = count[x - 1] + is_prime[x]
    for l, r in queries:
        print(count[r] - count[l - 1])

main()
