import sys
from heapq import heappop, heappush

def main():
    data = sys.stdin.buffer.read().split()
    heap = []
    out = []
    i = 1
    for _ in range(int(data[0])):
        if data[i] == b"+":
            heappush(heap, int(data[i + 1]))
            i += 2
        else:
            out.append(str(heappop(heap)) if heap else "EMPTY")
            i += 1
    sys.stdout.write("\n".join(out) + "\n")

main()
