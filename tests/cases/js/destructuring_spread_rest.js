// Destructuring (arrays/objects, defaults, nested, renaming), spread and rest.
const [a, , b = 5, ...rest] = [1, 2, undefined, 4, 5, 6];
console.log(a, b, rest.join(','));
const { name, age: years = 30, address: { city, zip = 'none' } = {}, ...others } =
  { name: 'Ann', address: { city: 'Oslo' }, role: 'dev', level: 3 };
console.log(name, years, city, zip, JSON.stringify(others));
let x = 1, y = 2;
[x, y] = [y, x];
console.log(x, y);
function draw({ width = 10, height = width * 2, ...opts } = {}) { return `${width}x${height} ${Object.keys(opts).join('|')}`; }
console.log(draw(), draw({ width: 3 }), draw({ height: 1, color: 'red', fill: true }));
function sum(first, ...nums) { return first + nums.reduce((s, n) => s + n, 0); }
console.log(sum(1), sum(1, 2, 3), sum(...[10, 20], ...new Set([30, 30, 40])));
const merged = { ...{ a: 1, b: 2 }, ...{ b: 3, c: 4 }, d: 5 };
console.log(JSON.stringify(merged));
const arr = [...'hey', ...[1, 2], ...new Map([[1, 'one']]).values()];
console.log(JSON.stringify(arr));
const [[p, q], [r]] = [[1, 2], [3]];
console.log(p + q + r);
const { length } = 'hello';
const { 0: first, [2]: third } = ['zero', 'one', 'two'];
console.log(length, first, third);
const key = 'dynamic';
const { [key]: dyn = 'default' } = {};
console.log(dyn);
for (const [k, v] of Object.entries({ one: 1, two: 2 })) console.log(`${k}=${v}`);
const users = [{ id: 1, tags: ['a', 'b'] }, { id: 2, tags: [] }];
console.log(users.map(({ id, tags: [firstTag = '-'] }) => `${id}:${firstTag}`).join(' '));
const copy = [...users];
copy.push({ id: 3 });
console.log(users.length, copy.length, copy[0] === users[0]);
console.log(Math.max(...[3, 9, 2]), [...Array(4).keys()].join(''), Array.of(...'ab').length);
