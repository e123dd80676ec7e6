def main():
    n = int(input())
    a = list(map(int, input().split()))
    print(*[next((y for y in a[i + 1:] if y > x), -1) for i, x in enumerate(a)])

main()
