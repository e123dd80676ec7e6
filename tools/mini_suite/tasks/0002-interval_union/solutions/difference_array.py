def main():
    n = int(input())
    intervals = [tuple(map(int, input().split())) for _ in range(n)]
    top = max(r for _, r in intervals)
    diff = [0] * (top + 2)
    for l, r in intervals:
        diff[l] += 1
        diff[r + 1] -= 1
    blocks = total = depth = 0
    inside = False
    for x in range(1, top + 1):
        depth += diff[x]
        if depth > 0:
            total += 1
            if not inside:
                blocks += 1
            inside = True
        else:
            inside = False
    print(blocks, total)

main()
