# Closures, nonlocal and global bindings, late binding in loops.
counter_total = 0


def make_counter(start=0):
    count = start

    def inc(step=1):
        nonlocal count
        global counter_total
        count += step
        counter_total += step
        return count

    return inc


a = make_counter()
b = make_counter(100)
print(a(), a(), a(5), b(), b(10))
print("global total", counter_total)

funcs = [lambda: i for i in range(3)]
print([f() for f in funcs])
funcs = [lambda i=i: i for i in range(3)]
print([f() for f in funcs])


def outer():
    x = "outer"

    def middle():
        def inner():
            nonlocal x
            x = "changed by inner"

        inner()
        return x

    return middle(), x


print(outer())


def make_multipliers():
    return {name: (lambda k: lambda v: v * k)(k) for name, k in [("double", 2), ("triple", 3)]}


m = make_multipliers()
print(m["double"](7), m["triple"](7))
print(a.__closure__ is not None, len(a.__code__.co_freevars))


def memo():
    cache = {}

    def get(n):
        if n not in cache:
            cache[n] = n * n
            print("computed", n)
        return cache[n]

    return get


sq = memo()
print(sq(4), sq(4), sq(5))
