# dataclasses and enum.
from dataclasses import dataclass, field, asdict, astuple, replace
from enum import Enum, IntEnum, Flag, auto


@dataclass(order=True)
class Point:
    x: int
    y: int = 0
    tags: list = field(default_factory=list, compare=False)

    def norm2(self):
        return self.x ** 2 + self.y ** 2


@dataclass(frozen=True)
class Config:
    name: str
    debug: bool = False


p = Point(3, 4)
print(p, p.norm2(), Point(1) < Point(1, 2), Point(2) > Point(1, 9))
print(asdict(p), astuple(Point(1, 2, ["a"])), replace(p, y=10))
print(p == Point(3, 4, ["ignored"]), sorted([Point(2, 1), Point(1, 5), Point(1, 2)]))
c = Config("prod")
print(c, hash(c) == hash(Config("prod")))
try:
    c.debug = True
except Exception as e:
    print(type(e).__name__)


class Color(Enum):
    RED = 1
    GREEN = 2
    BLUE = 3


class Level(IntEnum):
    LOW = auto()
    HIGH = auto()


class Perm(Flag):
    R = auto()
    W = auto()
    X = auto()


print(Color.RED, repr(Color.GREEN), Color(3), Color["BLUE"], Color.RED.name, Color.RED.value)
print(list(Color), len(Color), Color.RED is Color(1), Color.RED == 1)
print(Level.HIGH > Level.LOW, Level.HIGH + 1, int(Level.LOW))
rw = Perm.R | Perm.W
print(Perm.R in rw, Perm.X in rw, rw.value, (rw & Perm.W) == Perm.W)
for member in Color:
    print(member.name.lower(), end=" ")
print()
print({c.name: c.value for c in Color})
