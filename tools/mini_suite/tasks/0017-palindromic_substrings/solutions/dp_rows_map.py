from operator import and_, eq

def main():
    s = input().strip()
    n = len(s)
    two = [True] * (n + 1)
    one = [True] * n
    count = n
    for length in range(2, n + 1):
        cur = list(map(and_, map(eq, s, s[length - 1:]), two[1:]))
        count += sum(cur)
        two, one = one, cur
    print(count)

main()
