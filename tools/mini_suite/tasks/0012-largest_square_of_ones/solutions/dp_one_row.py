import sys

def main():
    data = sys.stdin.read().split()
    m = int(data[1])
    prev = [0] * (m + 1)
    best = 0
    for row in data[2:]:
        cur = [0] * (m + 1)
        for j, ch in enumerate(row, 1):
            if ch == "1":
                a, b, c = prev[j], cur[j - 1], prev[j - 1]
                v = 1 + (a if a < b and a < c else b if b < c else c)
                cur[j] = v
                if v > best:
                    best = v
        prev = cur
    print(best)

main()
