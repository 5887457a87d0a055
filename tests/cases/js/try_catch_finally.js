// try/catch/finally: control flow, finally overriding returns, nesting, optional catch binding.
function f(mode) {
  const trail = [];
  try {
    trail.push('try');
    if (mode === 'throw') throw new Error('boom');
    if (mode === 'return') return trail.concat('returned').join('>');
  } catch (e) {
    trail.push('catch:' + e.message);
  } finally {
    trail.push('finally');
  }
  return trail.join('>');
}
console.log(f('ok'), '|', f('throw'), '|', f('return'));
function override() { try { return 'try'; } finally { return 'finally wins'; } }
console.log(override());
function swallow() { try { throw new Error('lost'); } finally { return 'swallowed'; } }
console.log(swallow());
function loop() {
  const out = [];
  for (let i = 0; i < 4; i++) {
    try { if (i === 1) continue; if (i === 3) break; out.push('body' + i); } finally { out.push('fin' + i); }
  }
  return out.join(' ');
}
console.log(loop());
try {
  try { null.x; } catch (inner) { console.log('inner caught', inner.name); throw new RangeError('rethrown as range'); } finally { console.log('inner finally'); }
} catch (outer) { console.log('outer caught', outer.name, outer.message); }
try { JSON.parse('{'); } catch { console.log('optional catch binding works'); }
for (const thrower of [() => { throw 'a string'; }, () => { throw 42; }, () => { throw { code: 7 }; }, () => { throw null; }]) {
  try { thrower(); } catch (e) { console.log('caught', typeof e, JSON.stringify(e)); }
}
try { undefinedFunction(); } catch (e) { console.log(e.name, e instanceof ReferenceError, e.message.includes('undefinedFunction')); }
try { (void 0)(); } catch (e) { console.log(e.name); }
try { new Array(-1); } catch (e) { console.log('new Array(-1):', e.name); }
const err = new Error('with cause', { cause: 'root' });
console.log(err.message, err.cause, String(err));
const agg = new AggregateError([new Error('x'), new TypeError('y')], 'many');
console.log(agg.name, agg.message, agg.errors.map((e) => e.name).join(','));
