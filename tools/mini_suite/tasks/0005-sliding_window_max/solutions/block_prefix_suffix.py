import sys

def main():
    data = sys.stdin.buffer.read().split()
    n, k = int(data[0]), int(data[1])
    a = list(map(int, data[2:2 + n]))
    prefix = a[:]
    for i in range(1, n):
        if i % k and prefix[i - 1] > prefix[i]:
            prefix[i] = prefix[i - 1]
    suffix = a[:]
    for i in range(n - 2, -1, -1):
        if (i + 1) % k and suffix[i + 1] > suffix[i]:
            suffix[i] = suffix[i + 1]
    res = [max(suffix[i], prefix[i + k - 1]) for i in range(n - k + 1)]
    sys.stdout.write(" ".join(map(str, res)) + "\n")

main()
