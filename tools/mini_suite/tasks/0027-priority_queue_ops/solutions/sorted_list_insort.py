from bisect import insort

def main():
    q = int(input())
    items = []
    for _ in range(q):
        op = input()
        if op[0] == "+":
            insort(items, int(op[2:]))
        elif items:
            print(items.pop(0))
        else:
            print("EMPTY")

main()
