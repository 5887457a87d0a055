# itertools: permutations, combinations, product, groupby, accumulate, chain, islice, etc.
import itertools as it
import operator

print(list(it.permutations("abc", 2)))
print(list(it.combinations(range(5), 3)))
print(list(it.combinations_with_replacement("ab", 2)))
print(list(it.product("ab", [1, 2])), len(list(it.product(range(3), repeat=3))))
data = "aaabbcdddd"
print([(k, len(list(g))) for k, g in it.groupby(data)])
people = [("ann", "NY"), ("bob", "NY"), ("cid", "LA"), ("dan", "NY")]
print([(k, [n for n, _ in g]) for k, g in it.groupby(sorted(people, key=lambda p: p[1]), key=lambda p: p[1])])
print(list(it.accumulate([1, 2, 3, 4, 5])), list(it.accumulate([3, 1, 4, 1, 5], max)))
print(list(it.accumulate([1, 2, 3, 4], operator.mul, initial=10)))
print(list(it.chain([1, 2], "ab", (3,))), list(it.chain.from_iterable([[1], [2, 3]])))
print(list(it.islice(it.count(10, 5), 4)), list(it.islice("abcdefg", 1, 6, 2)))
print(list(it.islice(it.cycle("xy"), 5)), list(it.repeat("z", 3)))
print(list(it.takewhile(lambda x: x < 4, [1, 3, 5, 2])), list(it.dropwhile(lambda x: x < 4, [1, 3, 5, 2])))
print(list(it.filterfalse(lambda x: x % 2, range(8))), list(it.compress("abcdef", [1, 0, 1, 0, 1])))
print(list(it.zip_longest("abc", [1], fillvalue="-")), list(it.starmap(pow, [(2, 3), (3, 2)])))
a, b = it.tee([1, 2, 3])
print(list(a), list(b), list(it.pairwise("abcd")))
print(sum(1 for _ in it.permutations(range(6))), list(it.islice(it.count(), 0)))
