# Context managers (class-based and contextlib) and the iterator protocol.
from contextlib import contextmanager, suppress, ExitStack


class Resource:
    def __init__(self, name, log):
        self.name, self.log = name, log

    def __enter__(self):
        self.log.append(f"open {self.name}")
        return self

    def __exit__(self, exc_type, exc, tb):
        self.log.append(f"close {self.name} ({exc_type.__name__ if exc_type else 'ok'})")
        return exc_type is KeyError


log = []
with Resource("a", log) as r1, Resource("b", log):
    log.append(f"using {r1.name}")
with Resource("c", log):
    raise KeyError("swallowed")
try:
    with Resource("d", log):
        raise ValueError("propagates")
except ValueError:
    log.append("caught ValueError")
print(log)


@contextmanager
def tag(name):
    print(f"<{name}>", end="")
    try:
        yield name.upper()
    finally:
        print(f"</{name}>")


with tag("p") as t:
    print(t, end="")
with suppress(ZeroDivisionError):
    1 / 0
print("suppressed")
with ExitStack() as stack:
    for n in "xy":
        stack.callback(print, "exit callback", n)
    print("inside ExitStack")


class Countdown:
    def __init__(self, start):
        self.current = start

    def __iter__(self):
        return self

    def __next__(self):
        if self.current <= 0:
            raise StopIteration
        self.current -= 1
        return self.current + 1


print(list(Countdown(5)), sum(Countdown(100)))
it = iter([1, 2])
print(next(it), next(it), next(it, "default"))
print(list(iter(lambda c=iter(range(10)): next(c), 4)))
