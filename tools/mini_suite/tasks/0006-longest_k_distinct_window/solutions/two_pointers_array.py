import sys

def main():
    data = sys.stdin.buffer.read().split()
    n, k = int(data[0]), int(data[1])
    a = list(map(int, data[2:2 + n]))
    low = min(a)
    a = [x - low for x in a]
    counts = [0] * (max(a) + 1)
    distinct = best = left = 0
    for right in range(n):
        x = a[right]
        if counts[x] == 0:
            distinct += 1
        counts[x] += 1
        while distinct > k:
            y = a[left]
            counts[y] -= 1
            if counts[y] == 0:
                distinct -= 1
            left += 1
        if right - left + 1 > best:
            best = right - left + 1
    print(best)

main()
