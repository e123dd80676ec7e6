import sys

def main():
    input = sys.stdin.readline
    q = int(input())
    items = []
    out = []
    for _ in range(q):
        op = input().split()
        if op[0] == "+":
            items.append(int(op[1]))
        elif items:
            m = min(items)
            items.remove(m)
            out.append(m)
        else:
            out.append("EMPTY")
    print("\n".join(map(str, out)))

main()
