# functools: reduce, lru_cache, partial, cmp_to_key, total_ordering, singledispatch, cached_property.
import functools
from functools import reduce, lru_cache, partial, cmp_to_key, total_ordering

print(reduce(lambda a, b: a * b, range(1, 11)), reduce(lambda a, b: a + b, [], 0))
print(reduce(lambda acc, s: acc + len(s), ["ab", "cde", "f"], 0))


@lru_cache(maxsize=None)
def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


print(fib(90), fib.cache_info().hits, fib.cache_info().misses)
fib.cache_clear()
print(fib.cache_info().currsize)


@lru_cache(maxsize=2)
def sq(n):
    print("compute", n)
    return n * n


print(sq(2), sq(3), sq(2), sq(4), sq(3))

int2 = partial(int, base=2)
print(int2("1011"), int2("11", base=10))
power = partial(pow, 2)
print(power(10), power.func.__name__, power.args)


def compare_len_then_alpha(a, b):
    if len(a) != len(b):
        return len(a) - len(b)
    return (a > b) - (a < b)


print(sorted(["ccc", "a", "bb", "aa", "b"], key=cmp_to_key(compare_len_then_alpha)))


@total_ordering
class Version:
    def __init__(self, s):
        self.parts = tuple(int(p) for p in s.split("."))

    def __eq__(self, o):
        return self.parts == o.parts

    def __lt__(self, o):
        return self.parts < o.parts

    def __repr__(self):
        return "v" + ".".join(map(str, self.parts))


vs = [Version("1.10"), Version("1.2"), Version("1.2.1")]
print(sorted(vs), Version("2.0") >= Version("1.9"), Version("1.0") <= Version("0.9"))


@functools.singledispatch
def describe(x):
    return "object"


@describe.register
def _(x: int):
    return "int"


@describe.register(list)
def _(x):
    return f"list of {len(x)}"


print(describe(1), describe([1, 2]), describe("s"), describe(True))


class Circle:
    def __init__(self, r):
        self.r = r

    @functools.cached_property
    def area(self):
        print("computing area")
        return 3 * self.r ** 2


ci = Circle(2)
print(ci.area, ci.area)
