// Timer ordering vs microtasks: sync code, then microtasks, then timers by due time (ties in
// creation order); microtasks queued inside a timer run before the next timer. Every timer whose
// order is printed is created in the first synchronous turn, so the order does not depend on load.
const out = [];
const log = (s) => { out.push(s); console.log(s); };
setTimeout(() => log('timeout 10ms'), 10);
setTimeout(() => {
  log('timeout 0 (a)');
  Promise.resolve().then(() => log('microtask inside timeout a'));
  queueMicrotask(() => log('queueMicrotask inside timeout a'));
}, 0);
setTimeout(() => log('timeout 0 (b)'), 0);
setTimeout((x, y) => log(`timeout with args ${x}+${y}`), 1, 'p', 'q');
Promise.resolve().then(() => log('microtask 1')).then(() => log('microtask 2'));
queueMicrotask(() => log('queueMicrotask'));
const cancelled = setTimeout(() => log('cancelled timer should not run'), 5);
clearTimeout(cancelled);
let ticks = 0;
const iv = setInterval(() => {
  ticks++;
  log(`interval tick ${ticks}`);
  if (ticks === 3) {
    clearInterval(iv);
    log(`interval cleared after ${out.length} lines`);
  }
}, 20);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
(async () => {
  await sleep(30); // created synchronously: due between interval ticks 1 and 2
  log('after sleep(30)');
  await null;
  log('microtask after sleep(30)');
})();
log('sync end');
