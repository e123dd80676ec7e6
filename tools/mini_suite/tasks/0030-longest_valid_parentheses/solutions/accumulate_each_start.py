from itertools import accumulate

def main():
    s = input().strip()
    step = [1 if ch == "(" else -1 for ch in s]
    best = 0
    for i in range(len(s)):
        if s[i] == ")":
            continue
        bal = list(accumulate(step[i:]))
        if -1 in bal:
            bal = bal[:bal.index(-1)]
        if 0 in bal:
            best = max(best, len(bal) - bal[::-1].index(0))
    print(best)

main()
