def main():
    n = int(input())
    a = list(map(int, input().split()))
    print(sum(len([y for y in a[i + 1:] if y < x]) for i, x in enumerate(a)))

main()
