import heapq

n, k = map(int, input().split())
a = list(map(int, input().split()))
heap = []
res = []
for i, x in enumerate(a):
    heapq.heappush(heap, (-x, i))
    if i >= k - 1:
        while heap[0][1] <= i - k:
            heapq.heappop(heap)
        res.append(-heap[0][0])
print(" ".join(map(str, res)))
