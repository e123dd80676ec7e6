def main():
    n, k = map(int, input().split())
    ds = list(map(int, input().split()))
    total = 0
    for mask in range(1, 1 << k):
        prod = 1
        bits = 0
        for i in range(k):
            if mask >> i & 1:
                prod *= ds[i]
                bits += 1
        total += n // prod if bits % 2 else -(n // prod)
    print(total)

main()
