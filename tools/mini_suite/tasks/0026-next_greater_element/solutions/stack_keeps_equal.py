import sys

def main():
    data = sys.stdin.buffer.read().split()
    a = list(map(int, data[1:]))
    res = [-1] * len(a)
    stack = []
    for i in range(len(a) - 1, -1, -1):
        x = a[i]
        while stack and stack[-1] < x:
            stack.pop()
        if stack:
            res[i] = stack[-1]
        stack.append(x)
    print(*res)

main()
