# Type annotations are evaluated and inspectable at runtime (avoiding reprs that changed
# between CPython versions, and module-level __annotations__, which changed in 3.14).
from typing import Optional, Union, List, Dict, Callable, TypeVar, Generic, NamedTuple, get_type_hints

T = TypeVar("T")


class Stack(Generic[T]):
    def __init__(self) -> None:
        self.items: List[T] = []

    def push(self, item: T) -> None:
        self.items.append(item)

    def pop(self) -> T:
        return self.items.pop()


def greet(name: str, times: int = 1) -> str:
    return " ".join([f"hi {name}"] * times)


def find(d: Dict[str, int], key: str) -> Optional[int]:
    return d.get(key)


class Employee(NamedTuple):
    name: str
    salary: float = 0.0


print(greet.__annotations__)
hints = get_type_hints(find)  # typing reprs changed in 3.14, so compare instead of printing
print(sorted(hints), hints["key"], hints["d"] == Dict[str, int], hints["return"] == Optional[int])
print(greet("x", 2), find({"a": 1}, "a"), find({}, "b"))
s: Stack[int] = Stack()
s.push(1)
s.push(2)
print(s.pop(), s.items)
e = Employee("ann", 10.5)
print(e, e._fields, e._asdict(), Employee._field_defaults)


class Config:
    name: str
    retries: int = 3
    tags: List[str]


print(Config.__annotations__, Config.retries, get_type_hints(Config)["retries"])
print(Optional[int] == Union[int, None], List[int].__origin__ is list)
f: Callable[[int], int] = lambda n: n + 1
print(f(1), int | None, isinstance(3, int | str))
