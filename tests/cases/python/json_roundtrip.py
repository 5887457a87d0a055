# json.dumps / json.loads with sort_keys, indent, separators and custom encoders.
import json

data = {"name": "kiln", "version": 1, "tags": ["a", "b"], "nested": {"z": None, "a": True, "f": 1.5}}
print(json.dumps(data))
print(json.dumps(data, sort_keys=True))
print(json.dumps(data, indent=2, sort_keys=True))
print(json.dumps([1, [2, [3]]], indent=4))
print(json.dumps(data, separators=(",", ":"), sort_keys=True))
print(json.dumps("unicode: é ☃ \n \"q\""), json.dumps("é", ensure_ascii=False))
print(json.dumps([float("inf"), 1e100, 0.1, -0.0, 10 ** 20]))
text = '{"a": [1, 2.5, "x", null, true, false], "b": {"c": {}}, "d": "\\u00e9\\n"}'
obj = json.loads(text)
print(obj, type(obj["a"][1]).__name__, obj["d"])
print(json.loads("123"), json.loads('"s"'), json.loads("[]"), json.loads(" 1e3 "))
print(json.loads('{"a": 1, "a": 2}'))


class Point:
    def __init__(self, x, y):
        self.x, self.y = x, y


def encode(o):
    if isinstance(o, Point):
        return {"x": o.x, "y": o.y}
    raise TypeError("not serializable")


print(json.dumps({"p": Point(1, 2)}, default=encode))
print(json.loads('{"x": 1, "y": 2}', object_hook=lambda d: (d["x"], d["y"])))
print(json.dumps({1: "int key", "s": (1, 2)}))
try:
    json.loads("{bad json}")
except json.JSONDecodeError as e:
    print("JSONDecodeError at", e.lineno, e.colno)
try:
    json.dumps({"s": {1, 2}})
except TypeError:
    print("TypeError: set is not serializable")
