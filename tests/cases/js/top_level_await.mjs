// An ES module with top-level await: module code pauses at await, timers and promises resolve in order.
const sleep = (ms, v) => new Promise((resolve) => setTimeout(() => resolve(v), ms));
console.log('module start, strict mode:', (function () { return this === undefined; })());
const first = await sleep(10, 'first awaited value');
console.log(first);
const [a, b] = await Promise.all([sleep(20, 'a'), sleep(5, 'b')]);
console.log('all:', a, b);
setTimeout(() => console.log('timer set after awaits'), 0);
await null;
console.log('after await null (microtask), before the timer');
export const answer = 42;
export default function hello() { return 'default export'; }
console.log('exports usable locally:', answer, hello());
console.log('typeof import.meta:', typeof import.meta);
for await (const x of [sleep(5, 1), 2, sleep(1, 3)]) console.log('for await item', x);
try { await Promise.reject(new Error('rejected at top level')); } catch (e) { console.log('caught:', e.message); }
console.log('module end');
