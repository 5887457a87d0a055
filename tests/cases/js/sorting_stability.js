// Array sorting: default string order, numeric comparators, stability, multi-key, toSorted.
console.log([10, 9, 1, 100, 25].sort().join(','), [10, 9, 1, 100, 25].sort((a, b) => a - b).join(','));
console.log(['banana', 'Apple', 'cherry', 'apple', 'Banana'].sort().join(','));
console.log(['b', undefined, 'a', undefined, 'c'].sort().map(String).join(','));
const people = [
  { n: 'alice', age: 30 }, { n: 'bob', age: 25 }, { n: 'carol', age: 30 },
  { n: 'dave', age: 25 }, { n: 'eve', age: 35 }, { n: 'frank', age: 30 },
];
console.log(people.slice().sort((a, b) => a.age - b.age).map((p) => p.n).join(' '));
console.log(people.slice().sort((a, b) => b.age - a.age).map((p) => p.n).join(' '));
console.log(people.slice().sort((a, b) => a.age - b.age || (a.n < b.n ? 1 : -1)).map((p) => p.n).join(' '));
const many = Array.from({ length: 100 }, (_, i) => ({ k: i % 3, i }));
many.sort((a, b) => a.k - b.k);
let stable = true;
for (let i = 1; i < many.length; i++) if (many[i].k === many[i - 1].k && many[i].i < many[i - 1].i) stable = false;
console.log('stable:', stable, many.slice(0, 5).map((x) => x.i).join(','));
const words = ['ccc', 'a', 'bb', 'aa', 'b'];
console.log(words.sort((x, y) => x.length - y.length || (x < y ? -1 : x > y ? 1 : 0)).join(' '));
const nums = [3, 1, 2];
const sortedCopy = nums.toSorted((a, b) => b - a);
console.log(nums.join(), sortedCopy.join(), nums.toReversed().join(), [5, 1, 4].reverse().join());
console.log([0.5, -1, NaN, 3, -Infinity].sort((a, b) => a - b).join(' '));
console.log([true, false, true].sort().join(), [[2, 'b'], [1, 'z'], [2, 'a']].sort().join(' | '));
const objs = [{ v: 'b' }, { v: 'a' }, { v: 'c' }];
objs.sort((x, y) => (x.v > y.v) - (x.v < y.v));
console.log(objs.map((o) => o.v).join(''), 'hello'.split('').sort().join(''));
const typed = new Int32Array([5, -2, 10, 1]).sort();
console.log(typed.join(','), [..."zyx"].sort().join(''), [1, 2, 3].sort(() => 0).join(''));
