import sys

def main():
    s = sys.stdin.readline().strip()
    n = len(s)
    d = s + s
    i, j, k = 0, 1, 0
    while i < n and j < n and k < n:
        a, b = d[i + k], d[j + k]
        if a == b:
            k += 1
            continue
        if a > b:
            i += k + 1
        else:
            j += k + 1
        if i == j:
            j += 1
        k = 0
    print(min(i, j))

main()
