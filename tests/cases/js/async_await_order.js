// async/await and microtask ordering: sync code, then microtasks in FIFO order.
const log = (...a) => console.log(...a);
log('sync start');
async function first() {
  log('first: before await');
  await null;
  log('first: after await');
  await second();
  log('first: after second');
  return 'first-result';
}
async function second() {
  log('second: runs synchronously until await');
  await Promise.resolve();
  log('second: resumed');
}
Promise.resolve().then(() => log('then #1'));
const p = first();
log('sync after calling first(), p is a', p instanceof Promise ? 'Promise' : typeof p);
Promise.resolve().then(() => log('then #2'));
p.then((v) => log('resolved with', v));
queueMicrotask(() => log('queueMicrotask'));
log('sync end');
async function failing() { await 0; throw new Error('async failure'); }
failing().catch((e) => log('caught', e.message));
(async () => {
  try { await failing(); } catch (e) { log('try/await caught', e.message); }
  const values = [];
  for await (const v of (async function* () { yield 'x'; await null; yield 'y'; })()) values.push(v);
  log('for await:', values.join(','));
  const thenable = { then(resolve) { resolve('thenable value'); } };
  log('15', await thenable);
  const results = await Promise.all([1, 2, 3].map(async (n) => { await null; return n * n; }));
  log('parallel', results.join(','));
  let chain = Promise.resolve(1);
  for (let i = 0; i < 3; i++) chain = chain.then((v) => v * 2);
  log('chain', await chain);
})();
