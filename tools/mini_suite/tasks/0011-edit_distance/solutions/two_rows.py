def main():
    a = input().strip()
    b = input().strip()
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] * (len(b) + 1)
        for j, cb in enumerate(b, 1):
            if ca == cb:
                cur[j] = prev[j - 1]
            else:
                x, y, z = prev[j], cur[j - 1], prev[j - 1]
                cur[j] = 1 + (x if x < y and x < z else y if y < z else z)
        prev = cur
    print(prev[-1])

main()
