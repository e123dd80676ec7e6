from collections import deque

def main():
    n, k = map(int, input().split())
    a = list(map(int, input().split()))
    window = deque()
    res = []
    for i, x in enumerate(a):
        if i >= k and window and window[0] == a[i - k]:
            window.popleft()
        while window and window[-1] <= x:
            window.pop()
        window.append(x)
        if i >= k - 1:
            res.append(window[0])
    print(*res)

main()
