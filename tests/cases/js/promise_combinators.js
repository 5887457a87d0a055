// Promise.all / allSettled / race / any, rejection handling, finally, resolution order.
const delay = (ms, v, fail = false) => new Promise((res, rej) => setTimeout(() => (fail ? rej(new Error(v)) : res(v)), ms));
const show = (label) => (v) => console.log(label, JSON.stringify(v));
(async () => {
  show('all:')(await Promise.all([delay(30, 'slow'), delay(5, 'fast'), 42, Promise.resolve('now')]));
  try { await Promise.all([delay(5, 'ok'), delay(10, 'bad', true), delay(50, 'late')]); } catch (e) { console.log('all rejected:', e.message); }
  const settled = await Promise.allSettled([delay(5, 'a'), delay(1, 'b', true), 3]);
  console.log('allSettled:', settled.map((r) => (r.status === 'fulfilled' ? `ok(${r.value})` : `err(${r.reason.message})`)).join(' '));
  show('race:')(await Promise.race([delay(40, 'tortoise'), delay(5, 'hare')]));
  try { await Promise.race([delay(5, 'race-fail', true), delay(30, 'x')]); } catch (e) { console.log('race rejected:', e.message); }
  show('any:')(await Promise.any([delay(1, 'e1', true), delay(20, 'winner'), delay(40, 'second')]));
  try { await Promise.any([Promise.reject(new Error('x')), Promise.reject(new Error('y'))]); } catch (e) {
    console.log('any rejected:', e.name, e.errors.map((x) => x.message).join(','));
  }
  show('all([]):')(await Promise.all([]));
  const r = await Promise.resolve('value').finally(() => console.log('finally runs (no args)'));
  console.log('finally passes through:', r);
  await Promise.reject(new Error('handled')).catch((e) => console.log('catch:', e.message)).then(() => console.log('then after catch'));
  const p = Promise.resolve(1);
  console.log('resolve(p) === p:', Promise.resolve(p) === p);
  const order = [];
  await Promise.all([
    delay(15, 'c').then((v) => order.push(v)),
    delay(5, 'a').then((v) => order.push(v)),
    delay(10, 'b').then((v) => order.push(v)),
  ]);
  console.log('completion order:', order.join(''));
  const { promise, resolve } = { promise: null, resolve: null, ...(() => { let res; const pr = new Promise((r) => { res = r; }); return { promise: pr, resolve: res }; })() };
  setTimeout(() => resolve('externally resolved'), 5);
  console.log(await promise);
  new Promise((_, rej) => rej(new Error('late-handled'))).then(null, (e) => console.log('onRejected:', e.message));
  new Promise(() => { throw new TypeError('thrown in executor'); }).catch((e) => console.log('executor throw:', e.name));
})();
