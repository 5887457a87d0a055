# Decorators: simple, with arguments, stacked, class decorators, functools.wraps.
import functools

calls = []


def trace(func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        calls.append(func.__name__)
        result = func(*args, **kwargs)
        print(f"{func.__name__}{args} -> {result}")
        return result

    return wrapper


def repeat(times):
    def deco(func):
        @functools.wraps(func)
        def wrapper(*args):
            return [func(*args) for _ in range(times)]

        return wrapper

    return deco


def bold(func):
    return lambda *a: "<b>" + func(*a) + "</b>"


def italic(func):
    return lambda *a: "<i>" + func(*a) + "</i>"


@trace
def add(a, b):
    """Add two numbers."""
    return a + b


@repeat(3)
def greet(name):
    return f"hi {name}"


@bold
@italic
def text(s):
    return s


registry = {}


def register(cls):
    registry[cls.__name__] = cls
    return cls


@register
class Plugin:
    pass


class Counter:
    def __init__(self, func):
        self.func = func
        self.count = 0

    def __call__(self, *args):
        self.count += 1
        return self.func(*args)


@Counter
def square(x):
    return x * x


add(2, 3)
add(b=1, a=4) if False else add(10, 20)
print(add.__name__, add.__doc__, calls)
print(greet("bob"))
print(text("hello"))
print(sorted(registry))
print(square(3), square(4), square.count)
print(add.__wrapped__(1, 1))
