# Classes: inheritance, super(), dunder methods, class/static methods, properties.
class Vector:
    __slots__ = ("x", "y")

    def __init__(self, x, y):
        self.x = x
        self.y = y

    def __repr__(self):
        return f"Vector({self.x}, {self.y})"

    def __add__(self, other):
        return Vector(self.x + other.x, self.y + other.y)

    def __mul__(self, k):
        return Vector(self.x * k, self.y * k)

    __rmul__ = __mul__

    def __eq__(self, other):
        return isinstance(other, Vector) and (self.x, self.y) == (other.x, other.y)

    def __hash__(self):
        return hash((self.x, self.y))

    def __len__(self):
        return 2

    def __getitem__(self, i):
        return (self.x, self.y)[i]

    def __iter__(self):
        yield self.x
        yield self.y

    def __bool__(self):
        return bool(self.x or self.y)


class Animal:
    count = 0

    def __init__(self, name):
        self.name = name
        Animal.count += 1

    def speak(self):
        return f"{self.name} makes a sound"

    @classmethod
    def make(cls, name):
        return cls(name)

    @staticmethod
    def kingdom():
        return "Animalia"

    @property
    def upper(self):
        return self.name.upper()


class Dog(Animal):
    def speak(self):
        return super().speak() + " (woof)"


class Puppy(Dog):
    def speak(self):
        return "small " + super().speak()


v = Vector(1, 2) + Vector(3, 4)
print(v, v * 2, 3 * v, len(v), v[1], list(v), bool(Vector(0, 0)))
print(v == Vector(4, 6), v != Vector(0, 0), {v: "ok"}[Vector(4, 6)])
for a in [Animal("cat"), Dog.make("rex"), Puppy("bit")]:
    print(type(a).__name__, a.speak(), a.upper)
print(Animal.count, Dog.kingdom(), [c.__name__ for c in Puppy.__mro__])
print(isinstance(Puppy("x"), Animal), issubclass(Dog, Puppy))
try:
    Vector(1, 2).z = 3
except AttributeError:
    print("slots prevent new attributes")
