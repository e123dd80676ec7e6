from math import gcd

def main():
    n, k = map(int, input().split())
    ds = list(map(int, input().split()))
    total = 0
    for mask in range(1, 1 << k):
        l = 1
        bits = 0
        for i in range(k):
            if mask >> i & 1:
                l = l * ds[i] // gcd(l, ds[i])
                bits += 1
        if bits % 2:
            total += n // l
        else:
            total -= n // l
    print(total)

main()
