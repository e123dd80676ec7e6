def sort(a):
    if len(a) <= 1:
        return a, 0
    mid = len(a) // 2
    left, x = sort(a[:mid])
    right, y = sort(a[mid:])
    merged = []
    count = x + y
    i = j = 0
    while i < len(left) and j < len(right):
        if left[i] < right[j]:
            merged.append(left[i])
            i += 1
        else:
            merged.append(right[j])
            count += len(left) - i
            j += 1
    return merged + left[i:] + right[j:], count

n = int(input())
print(sort(list(map(int, input().split())))[1])
