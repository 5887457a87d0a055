// Generators, iterators, the iteration protocol, yield*, return() and spread.
function* range(start, end, step = 1) {
  for (let i = start; i < end; i += step) yield i;
}
console.log([...range(0, 5)].join(' '), Array.from(range(0, 20, 6)).join(' '));

function* fib() {
  let [a, b] = [0, 1];
  while (true) { yield a; [a, b] = [b, a + b]; }
}
function* take(n, it) { for (const x of it) { if (n-- <= 0) return; yield x; } }
console.log([...take(10, fib())].join(','));

function* inner() { const x = yield 'inner-1'; yield `inner got ${x}`; return 'inner-done'; }
function* outer() { const r = yield* inner(); yield r; yield* ['a', 'b']; }
const g = outer();
console.log(g.next().value, g.next(42).value, g.next().value, g.next().value, g.next().value, g.next().done);

function* withCleanup() {
  try { yield 1; yield 2; } finally { console.log('generator cleanup'); }
}
for (const v of withCleanup()) { console.log('got', v); break; }

class Tree {
  constructor(value, ...children) { this.value = value; this.children = children; }
  *[Symbol.iterator]() { yield this.value; for (const c of this.children) yield* c; }
}
const tree = new Tree(1, new Tree(2, new Tree(4)), new Tree(3, new Tree(5), new Tree(6)));
console.log([...tree].join(' '));

const manual = {
  from: 3, to: 6,
  [Symbol.iterator]() {
    let cur = this.from; const last = this.to;
    return { next: () => (cur <= last ? { value: cur++, done: false } : { value: undefined, done: true }) };
  },
};
console.log([...manual].join(' '), Math.max(...manual));
const it = [10, 20][Symbol.iterator]();
console.log(JSON.stringify(it.next()), JSON.stringify(it.next()), JSON.stringify(it.next()));
const gen = range(0, 3);
console.log(gen.next().value, JSON.stringify(gen.return(99)), JSON.stringify(gen.next()));
const entries = new Map([['x', 1], ['y', 2]]).entries();
for (const [k, v] of entries) console.log(k, v);
function* thrower() { try { yield 1; } catch (e) { yield 'caught ' + e; } }
const t = thrower(); t.next();
console.log(t.throw('boom').value);
