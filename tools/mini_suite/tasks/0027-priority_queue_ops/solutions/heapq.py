import heapq
import sys

def main():
    input = sys.stdin.readline
    q = int(input())
    heap = []
    out = []
    for _ in range(q):
        op = input().split()
        if op[0] == "+":
            heapq.heappush(heap, int(op[1]))
        elif heap:
            out.append(heapq.heappop(heap))
        else:
            out.append("EMPTY")
    print("\n".join(map(str, out)))

main()
