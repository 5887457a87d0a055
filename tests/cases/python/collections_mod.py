# collections: Counter, defaultdict, deque, OrderedDict, namedtuple, ChainMap.
from collections import Counter, defaultdict, deque, OrderedDict, namedtuple, ChainMap

c = Counter("mississippi")
print(c.most_common(2), c["s"], c["z"], sorted(c.elements())[:5])
c.update("ssss")
c.subtract({"i": 2})
print(sorted(c.items()), sum(c.values()))
print(Counter(a=3, b=1) + Counter(a=1, b=2), Counter(a=3, b=1) - Counter(a=1, b=2))
print(Counter(a=3, b=1) & Counter(a=1, b=2), Counter(a=3, b=1) | Counter(a=1, b=2))
words = "the cat sat on the mat the end".split()
print(Counter(words).most_common(1), Counter(len(w) for w in words))

dd = defaultdict(list)
for w in words:
    dd[len(w)].append(w)
print(dict(dd), dd[99], len(dd))
counts = defaultdict(int)
for ch in "abracadabra":
    counts[ch] += 1
print(sorted(counts.items()))

d = deque([1, 2, 3], maxlen=5)
d.append(4)
d.appendleft(0)
d.append(5)
print(d, d.maxlen)
d.rotate(2)
print(d, d.popleft(), d.pop(), list(d))
d.extendleft([9, 8])
print(d, d.count(9), d[0], d[-1])

od = OrderedDict()
od["b"] = 1
od["a"] = 2
od["c"] = 3
od.move_to_end("b")
print(list(od), od.popitem(last=False), list(od.items()))  # repr(OrderedDict) changed in 3.12
print(OrderedDict(a=1, b=2) == OrderedDict(b=2, a=1), dict(a=1, b=2) == dict(b=2, a=1))

Point = namedtuple("Point", ["x", "y"], defaults=[0])
p = Point(3)
print(p, p.x, p[1], p._replace(x=7), p._asdict(), Point._fields, Point._make([5, 6]))
x, y = Point(1, 2)
print(x + y, Point(1, 2) == (1, 2))

cm = ChainMap({"a": 1}, {"a": 2, "b": 3})
print(cm["a"], cm["b"], sorted(cm.keys()), cm.maps)
