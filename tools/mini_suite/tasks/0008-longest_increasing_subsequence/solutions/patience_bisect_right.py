import sys
from bisect import bisect_right

def main():
    data = sys.stdin.buffer.read().split()
    tails = []
    for x in map(int, data[1:]):
        i = bisect_right(tails, x)
        if i == len(tails):
            tails.append(x)
        else:
            tails[i] = x
    print(len(tails))

main()
