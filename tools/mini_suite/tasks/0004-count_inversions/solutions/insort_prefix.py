import sys
from bisect import bisect_right, insort

def main():
    a = list(map(int, sys.stdin.buffer.read().split()[1:]))
    prefix = []
    count = 0
    for seen, x in enumerate(a):
        count += seen - bisect_right(prefix, x)
        insort(prefix, x)
    print(count)

main()
