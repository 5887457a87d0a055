# zip, enumerate, dict methods and ordering, sorted dicts.
names = ["ann", "bob", "cid"]
ages = [31, 25, 40, 99]
for i, (n, a) in enumerate(zip(names, ages), start=1):
    print(i, n, a)
print(list(zip(*[(1, "a"), (2, "b")])), list(zip()), list(enumerate("ab")))
try:
    list(zip(names, ages, strict=True))
except ValueError as e:
    print("ValueError from zip(strict=True)")
d = dict(zip(names, ages))
print(d, list(d.keys()), list(d.values()), list(d.items())[0])
d["dan"] = 19
d["ann"] = 32
del d["bob"]
print(d, len(d), "cid" in d, 40 in d)
print(d.get("zed"), d.get("zed", 0), d.setdefault("eve", 50), d.pop("cid"), d.pop("nobody", "default"))
print(d.popitem(), d)
merged = {"a": 1, "b": 2} | {"b": 3, "c": 4}
merged |= {"d": 5}
print(merged, {**merged, "a": 0})
print(dict(sorted({"b": 2, "c": 1, "a": 3}.items())), dict(sorted({"b": 2, "c": 1, "a": 3}.items(), key=lambda kv: kv[1])))
print(sorted({"b": 2, "c": 1, "a": 3}, key={"b": 2, "c": 1, "a": 3}.get, reverse=True))
inv = {v: k for k, v in {"x": 1, "y": 2}.items()}
print(inv, dict.fromkeys("abc", 0), dict([("k", "v")], extra=1))
dd = {}
for word in "to be or not to be".split():
    dd[word] = dd.get(word, 0) + 1
print(dd, max(dd, key=dd.get), sorted(dd.items(), key=lambda kv: (-kv[1], kv[0])))
print({1: "a", True: "b", 1.0: "c"}, {(1, 2): "tuple key"}, list(reversed({"p": 1, "q": 2})))
