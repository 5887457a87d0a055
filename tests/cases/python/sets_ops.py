# Set operations (printed sorted: set iteration order is implementation-specific).
a = {1, 2, 3, 4, 5}
b = {4, 5, 6, 7}
print(sorted(a | b), sorted(a & b), sorted(a - b), sorted(a ^ b))
print(sorted(a.union([10])), sorted(a.intersection(range(3))), sorted(a.difference({1})), sorted(a.symmetric_difference(b)))
print({1, 2} <= a, {1, 2} < {1, 2}, a >= {5}, a.isdisjoint({8, 9}), {1}.issubset(a))
s = set()
s.add("x")
s.update(["y", "z"], "w")
s.discard("nope")
s.remove("x")
print(sorted(s), len(s), "y" in s)
try:
    s.remove("nope")
except KeyError as e:
    print("KeyError", e)
fs = frozenset([3, 1, 2])
print(sorted(fs), fs == {1, 2, 3}, {fs: "frozen key"}[frozenset({1, 2, 3})])
words = "the quick the lazy the dog quick".split()
print(len(set(words)), sorted(set(words)), sorted({w[0] for w in words}))
c = a.copy()
c &= {1, 2, 10}
c |= {20}
c -= {1}
print(sorted(c), sorted(a), set() == set(), bool(set()))
print(repr(set()), repr(frozenset()), {1}, sorted({(1, 2), (0, 5)}))
x = {1, 2, 3}
print(x.pop() in {1, 2, 3}, len(x))
print(sorted(set("mississippi")), sorted({3.0, 3, 1}))
