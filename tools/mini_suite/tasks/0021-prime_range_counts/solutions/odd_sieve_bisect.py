import sys
from bisect import bisect_left, bisect_right

def main():
    data = list(map(int, sys.stdin.buffer.read().split()))
    top = max(data[2::2])
    # odd[i] stands for the number 2*i + 1
    odd = bytearray([1]) * (top // 2 + 1)
    odd[0] = 0
    i = 1
    while (2 * i + 1) ** 2 <= top:
        if odd[i]:
            p = 2 * i + 1
            start = p * p // 2
            odd[start::p] = bytes(len(range(start, len(odd), p)))
        i += 1
    primes = [2] + [2 * i + 1 for i in range(len(odd)) if odd[i] and 2 * i + 1 <= top]
    out = []
    for k in range(1, len(data), 2):
        out.append(bisect_right(primes, data[k + 1]) - bisect_left(primes, data[k]))
    print("\n".join(map(str, out)))

main()
