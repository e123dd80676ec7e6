import sys

def main():
    h = list(map(int, sys.stdin.buffer.read().split()[1:]))
    h.append(0)  # a zero bar at the end empties the stack
    best = 0
    stack = [-1]
    for i, x in enumerate(h):
        while stack[-1] >= 0 and h[stack[-1]] >= x:
            height = h[stack.pop()]
            width = i - stack[-1] - 1
            if height * width > best:
                best = height * width
        stack.append(i)
    print(best)

main()
