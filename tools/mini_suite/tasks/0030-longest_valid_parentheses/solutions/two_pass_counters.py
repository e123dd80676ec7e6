def longest(s, open_ch):
    best = opened = closed = 0
    for ch in s:
        if ch == open_ch:
            opened += 1
        else:
            closed += 1
        if opened == closed:
            best = max(best, 2 * closed)
        elif closed > opened:
            opened = closed = 0
    return best

s = input().strip()
print(max(longest(s, "("), longest(s[::-1], ")")))
