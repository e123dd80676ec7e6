def main():
    n = int(input())
    intervals = sorted(tuple(map(int, input().split())) for _ in range(n))
    blocks = total = 0
    cur_l, cur_r = intervals[0]
    for l, r in intervals[1:]:
        if l <= cur_r:
            cur_r = max(cur_r, r)
        else:
            blocks += 1
            total += cur_r - cur_l + 1
            cur_l, cur_r = l, r
    print(blocks + 1, total + cur_r - cur_l + 1)

main()
