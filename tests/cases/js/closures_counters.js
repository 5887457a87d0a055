// Closures: counters, IIFE module pattern, var vs let in loops, memoization, currying.
function makeCounter(start = 0) {
  let count = start;
  return { inc: (n = 1) => (count += n), get: () => count, reset() { count = start; } };
}
const a = makeCounter();
const b = makeCounter(100);
a.inc(); a.inc(5); b.inc();
console.log(a.get(), b.get());
a.reset();
console.log(a.get());

const varFns = [];
for (var i = 0; i < 3; i++) varFns.push(() => i);
const letFns = [];
for (let j = 0; j < 3; j++) letFns.push(() => j);
console.log(varFns.map((f) => f()).join(','), letFns.map((f) => f()).join(','));

const bank = (function () {
  let balance = 0;
  const history = [];
  function record(kind, amt) { history.push(`${kind}:${amt}`); }
  return {
    deposit(x) { balance += x; record('d', x); return this; },
    withdraw(x) { if (x > balance) { record('rejected', x); return this; } balance -= x; record('w', x); return this; },
    report() { return `${balance} [${history.join(' ')}]`; },
  };
})();
console.log(bank.deposit(50).withdraw(20).withdraw(100).deposit(5).report());

function memoize(fn) {
  const cache = new Map();
  return (n) => {
    if (!cache.has(n)) cache.set(n, fn(n));
    return cache.get(n);
  };
}
let calls = 0;
const slowSquare = memoize((n) => { calls++; return n * n; });
console.log(slowSquare(9), slowSquare(9), slowSquare(3), calls);
const fib = memoize((n) => (n < 2 ? n : fib(n - 1) + fib(n - 2)));
console.log(fib(80));

const curry = (fn) => function curried(...args) {
  return args.length >= fn.length ? fn(...args) : (...more) => curried(...args, ...more);
};
const add3 = curry((x, y, z) => x + y + z);
console.log(add3(1)(2)(3), add3(1, 2)(3), add3(1)(2, 3));
const once = (fn) => { let done = false, v; return (...args) => (done ? v : ((done = true), (v = fn(...args)))); };
const init = once(() => 'initialized');
console.log(init(), init());
