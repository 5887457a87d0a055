# Structural pattern matching (match/case).
from dataclasses import dataclass


@dataclass
class Point:
    x: int
    y: int


def describe(obj):
    match obj:
        case 0 | 1:
            return "tiny int"
        case int(n) if n < 0:
            return f"negative {n}"
        case int():
            return "int"
        case "quit" | "exit":
            return "command"
        case str(s):
            return f"string of {len(s)}"
        case [] :
            return "empty list"
        case [x]:
            return f"one item {x}"
        case [first, *rest]:
            return f"first {first}, {len(rest)} more"
        case {"type": "user", "name": name, **others}:
            return f"user {name} extra={sorted(others)}"
        case {"type": t}:
            return f"typed {t}"
        case Point(x=0, y=0):
            return "origin"
        case Point(x=0, y=y) | Point(x=y, y=0):
            return f"on an axis at {y}"
        case Point(x, y) if x == y:
            return "diagonal"
        case (a, b):
            return f"pair {a},{b}"
        case None:
            return "none"
        case _:
            return "something else"


for value in [0, -5, 42, "quit", "hello", [], [9], [1, 2, 3], {"type": "user", "name": "ann", "age": 3, "id": 1},
              {"type": "admin"}, Point(0, 0), Point(0, 7), Point(4, 0), Point(3, 3), Point(1, 2), (1, 2), None, 3.5]:
    print(repr(value), "->", describe(value))


def http(status):
    match status:
        case 200 | 201:
            return "ok"
        case 404:
            return "not found"
        case code if 500 <= code < 600:
            return "server error"
    return "unknown"


print([http(s) for s in (200, 201, 404, 503, 302)])
