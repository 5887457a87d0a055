# Generators: yield, yield from, send(), return values, close(), generator expressions.
def count_up(n):
    i = 0
    while i < n:
        yield i
        i += 1
    return "done"


def delegator():
    result = yield from count_up(3)
    yield f"inner returned {result}"
    yield from ["a", "b"]


print(list(delegator()))


def accumulator():
    total = 0
    while True:
        value = yield total
        if value is None:
            break
        total += value
    return total


gen = accumulator()
print(next(gen))
for v in [5, 10, 20]:
    print("sent", v, "->", gen.send(v))
try:
    gen.send(None)
except StopIteration as e:
    print("final", e.value)


def fib():
    a, b = 0, 1
    while True:
        yield a
        a, b = b, a + b


f = fib()
print([next(f) for _ in range(12)])


def with_cleanup():
    try:
        yield 1
        yield 2
    finally:
        print("cleanup ran")


g = with_cleanup()
print(next(g))
g.close()

squares = (x * x for x in range(10) if x % 2)
print(sum(squares), sum(squares))


def flatten(items):
    for item in items:
        if isinstance(item, list):
            yield from flatten(item)
        else:
            yield item


print(list(flatten([1, [2, [3, [4, 5]], 6], [[7]]])))
