// ES module semantics: strict mode by default, module-scoped bindings, no `this`, const exports.
export let counter = 0;
export function increment() { counter += 1; return counter; }
console.log('this at module top level:', this);
increment();
increment();
console.log('counter after two increments:', counter);
try { undeclaredVariable = 1; } catch (e) { console.log('strict mode assignment error:', e.name); }
try { Object.defineProperty({}, 'x', { value: 1 }).x = 2; } catch (e) { console.log('read-only write:', e.name); }
try { delete Object.prototype; } catch (e) { console.log('delete non-configurable:', e.name); }
function f() { return typeof this; }
console.log('plain function this:', f());
const obj = { m() { return [typeof this, this === obj]; } };
console.log('method this:', obj.m().join(' '));
console.log('globalThis has counter:', 'counter' in globalThis, typeof globalThis);
let shadow = 'outer';
{ let shadow = 'inner'; console.log('block scope:', shadow); }
console.log('after block:', shadow);
class Klass { static create() { return new Klass(); } }
console.log('class available:', Klass.create() instanceof Klass);
