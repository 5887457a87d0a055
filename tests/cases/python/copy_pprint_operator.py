# copy (shallow and deep), pprint and the operator module.
import copy
import pprint
import operator

orig = {"list": [1, [2, 3]], "tuple": (4, [5]), "n": 1}
shallow = copy.copy(orig)
deep = copy.deepcopy(orig)
orig["list"][1].append(99)
orig["n"] = 2
print(shallow, deep, sep="\n")
a = [1, 2]
cyc = [a, a]
d = copy.deepcopy(cyc)
print(d[0] is d[1], d[0] is a)


class Node:
    def __init__(self, v):
        self.v = v
        self.children = []

    def __deepcopy__(self, memo):
        n = Node(self.v * 10)
        n.children = copy.deepcopy(self.children, memo)
        return n


root = Node(1)
root.children.append(Node(2))
r2 = copy.deepcopy(root)
print(r2.v, [c.v for c in r2.children])

data = {"name": "kiln", "langs": ["python", "javascript", "wasm"], "limits": {"time": 10, "memory": 256, "output": 1 << 20}, "nested": [[1, 2, 3], {"a": 1, "b": [4, 5, 6]}]}
pprint.pprint(data, width=50)
pprint.pprint(list(range(30)), width=40, compact=True)
print(pprint.pformat({"z": 1, "a": 2}), pprint.pformat({"z": 1, "a": 2}, sort_dicts=False))

print(operator.add(2, 3), operator.mul("ab", 3), operator.neg(5), operator.truediv(7, 2), operator.floordiv(7, 2))
print(operator.itemgetter(1, 0)("ab"), operator.attrgetter("real", "imag")(3 + 4j), operator.methodcaller("split", ",")("a,b"))
print(operator.lt(1, 2), operator.contains([1, 2], 2), operator.getitem({"k": "v"}, "k"), operator.index(7))
x = [1, 2, 3]
operator.setitem(x, 0, 9)
operator.delitem(x, 1)
print(x, operator.concat([1], [2]), operator.not_(0), operator.xor(6, 3), operator.pow(2, 8))
