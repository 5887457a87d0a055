# Walrus operator, *args/**kwargs, keyword-only and positional-only parameters, unpacking.
import re


def f(a, b=2, *args, c, d=4, **kwargs):
    return (a, b, args, c, d, sorted(kwargs.items()))


def pos_only(x, y, /, z):
    return x + y + z


print(f(1, c=3))
print(f(1, 5, 6, 7, c=8, e=9, z=0))
print(f(*[1, 2, 3], **{"c": 4, "d": 5, "x": 6}))
print(pos_only(1, 2, z=3), pos_only(1, 2, 3))
try:
    pos_only(x=1, y=2, z=3)
except TypeError:
    print("TypeError: positional-only passed as keyword")
try:
    f(1)
except TypeError:
    print("TypeError: missing keyword-only argument")

data = [1, 5, 12, 7, 30, 2]
if (n := len(data)) > 5:
    print(f"list is long ({n} elements)")
print([y for x in data if (y := x * 2) > 10])
chunks = iter(["ab", "cd", ""])
while (chunk := next(chunks)):
    print("chunk", chunk)
if m := re.match(r"(\w+)-(\d+)", "item-42"):
    print(m.group(1), int(m.group(2)) + 1)

first, *middle, last = range(6)
print(first, middle, last)
(a, b), c = (1, 2), 3
print(a, b, c, [*range(3), *"ab"], {**{"x": 1}, "y": 2, **{"x": 3}})
head, *tail = "hello"
print(head, tail)
print(*[1, 2, 3], sep=" | ")


def collect(*args, **kwargs):
    return len(args), list(kwargs)


print(collect(), collect(*range(4), **dict(a=1, b=2)))
a, b = b, a
print(a, b)
