# lambda, map, filter, zip, sorted with lambdas, higher-order functions.
nums = [1, 2, 3, 4, 5, 6]
print(list(map(lambda x: x * 10, nums)))
print(list(filter(lambda x: x % 2 == 0, nums)), list(filter(None, [0, 1, "", "a", None, [], [0]])))
print(list(map(lambda a, b: a + b, [1, 2, 3], [10, 20, 30, 40])))
print(list(map(str.upper, ["a", "bc"])), list(map(int, "123")))
compose = lambda f, g: lambda x: f(g(x))
inc = lambda x: x + 1
dbl = lambda x: x * 2
print(compose(inc, dbl)(5), compose(dbl, inc)(5))


def apply_n(f, n):
    def run(x):
        for _ in range(n):
            x = f(x)
        return x

    return run


print(apply_n(dbl, 10)(1))
ops = {"add": lambda a, b: a + b, "sub": lambda a, b: a - b, "pow": pow}
print({k: f(2, 5) for k, f in ops.items()})
print((lambda *args, **kw: (args, sorted(kw.items())))(1, 2, z=3, a=4))
print(sorted(["bb", "a", "ccc"], key=lambda s: -len(s)))
pairs = list(zip(nums, map(lambda x: x ** 2, nums)))
print(pairs[:3], dict(pairs)[4])
print(list(map(lambda t: t[0] * t[1], zip(range(5), range(5, 10)))))
print(max(["apple", "fig", "banana"], key=len), min(nums, key=lambda n: abs(n - 3.6)))
print((lambda: "no args")(), (lambda x=3: x)(), callable(inc), inc.__name__)
