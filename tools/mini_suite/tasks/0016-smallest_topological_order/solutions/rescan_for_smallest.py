n, m = map(int, input().split())
after = [[] for _ in range(n + 1)]
pending = [0] * (n + 1)
for _ in range(m):
    a, b = map(int, input().split())
    after[a].append(b)
    pending[b] += 1
done = [False] * (n + 1)
order = []
for _ in range(n):
    job = 0
    for v in range(1, n + 1):
        if not done[v] and pending[v] == 0:
            job = v
            break
    if job == 0:
        break
    done[job] = True
    order.append(job)
    for v in after[job]:
        pending[v] -= 1
if len(order) == n:
    print(*order)
else:
    print(-1)
