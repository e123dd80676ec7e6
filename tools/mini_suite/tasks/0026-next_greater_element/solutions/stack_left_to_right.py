import sys

def main():
    input = sys.stdin.readline
    n = int(input())
    a = list(map(int, input().split()))
    res = [-1] * n
    waiting = []
    for i, x in enumerate(a):
        while waiting and a[waiting[-1]] < x:
            res[waiting.pop()] = x
        waiting.append(i)
    print(" ".join(map(str, res)))

main()
