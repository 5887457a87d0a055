# Slicing of lists, strings and tuples; slice assignment and deletion.
xs = list(range(10))
print(xs[2:5], xs[:3], xs[7:], xs[-3:], xs[:-7], xs[::2], xs[1::3], xs[::-1], xs[8:2:-2])
print(xs[100:], xs[-100:2], xs[5:5], xs[slice(1, 9, 4)])
s = "abcdefghij"
print(s[1:4], s[::-3], s[-1], s[-4:-1], s[::])
t = (1, 2, 3, 4, 5)
print(t[1:-1], t[::-2])
ys = xs.copy()
ys[2:5] = ["a", "b"]
print(ys)
ys[::3] = [0, 0, 0, 0][: len(ys[::3])]
print(ys)
del ys[1:3]
print(ys)
del ys[::2]
print(ys)
zs = [1, 2, 3]
zs[len(zs):] = [4, 5]
zs[:0] = [0]
print(zs)
sl = slice(1, 10, 3)
print(sl.start, sl.stop, sl.step, sl.indices(5))
print(list(range(20))[slice(None, None, -5)])
b = bytearray(b"hello world")
b[0:5] = b"HELLO"
print(b, bytes(b[6:]), memoryview(b)[1:3].tobytes())
try:
    ys[::2] = [1, 2, 3, 4, 5, 6, 7]
except ValueError as e:
    print("ValueError:", e)
