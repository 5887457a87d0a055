# sorted() and list.sort(): key, reverse, stability, multi-key sorts.
from operator import itemgetter, attrgetter

people = [
    ("alice", 30, "NY"),
    ("bob", 25, "LA"),
    ("carol", 30, "SF"),
    ("dave", 25, "NY"),
    ("eve", 35, "LA"),
    ("frank", 30, "LA"),
]
print(sorted(people, key=itemgetter(1)))
print(sorted(people, key=itemgetter(1), reverse=True))
print(sorted(people, key=lambda p: (p[2], -p[1], p[0])))
by_city = sorted(people, key=itemgetter(0), reverse=True)
by_city.sort(key=itemgetter(2))
print([p[0] for p in by_city])
words = ["banana", "Apple", "cherry", "apple", "Banana", "date"]
print(sorted(words), sorted(words, key=str.lower), sorted(words, key=len))
print(sorted(words, key=lambda w: (len(w), w), reverse=True))
nums = [5, -3, 2, -8, 0, 7, -1]
print(sorted(nums, key=abs), sorted(nums, key=lambda n: n * n, reverse=True))
nums.sort()
print(nums, sorted("hello"), sorted({3: "c", 1: "a", 2: "b"}.items(), key=itemgetter(1)))


class P:
    def __init__(self, name, score):
        self.name, self.score = name, score

    def __repr__(self):
        return f"P({self.name},{self.score})"

    def __lt__(self, other):
        return self.score < other.score


ps = [P("x", 3), P("y", 1), P("z", 3), P("w", 2)]
print(sorted(ps), sorted(ps, key=attrgetter("name")), max(ps), min(ps))
print(sorted([[3, 1], [1, 2], [3, 0], [1]]), sorted([(1, "b"), (1, "a"), (0, "z")]))
print(list(reversed(sorted(range(5)))), sorted([True, False, True, 0, 1]))
