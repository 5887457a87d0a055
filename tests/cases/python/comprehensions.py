# List, dict, set and generator comprehensions, nested and conditional.
nums = list(range(1, 11))
print([n * n for n in nums if n % 2 == 0])
print([(i, j) for i in range(3) for j in range(i)])
print([[i * j for j in range(1, 4)] for i in range(1, 4)])
print({n: n ** 3 for n in nums[:5]})
print(sorted({n % 4 for n in nums}))
print(sum(n for n in nums if n > 5))
print(["even" if n % 2 == 0 else "odd" for n in nums[:4]])
words = ["apple", "banana", "cherry", "avocado", "blueberry"]
by_letter = {}
for w in words:
    by_letter.setdefault(w[0], []).append(w)
print(by_letter)
print({k: len(v) for k, v in sorted(by_letter.items())})
matrix = [[1, 2, 3], [4, 5, 6]]
print([list(row) for row in zip(*matrix)])
print([x for row in matrix for x in row if x != 3])
print(dict(zip("abc", range(3))))
print(any(n > 9 for n in nums), all(n > 0 for n in nums))
x = 10
print([x for x in range(3)], x)
print({w: i for i, w in enumerate(words) if len(w) > 5})
print(max((len(w), w) for w in words))
