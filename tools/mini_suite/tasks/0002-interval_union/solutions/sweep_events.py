import sys

def main():
    input = sys.stdin.readline
    n = int(input())
    events = []
    for _ in range(n):
        l, r = map(int, input().split())
        events.append((l, -1))
        events.append((r + 1, 1))
    events.sort()
    blocks = total = depth = start = 0
    for x, closing in events:
        if closing == -1:
            if depth == 0:
                start = x
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                blocks += 1
                total += x - start
    print(blocks, total)

main()
