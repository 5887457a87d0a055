// Proxy traps and Reflect.
const target = { name: 'kiln', version: 1 };
const log = [];
const proxy = new Proxy(target, {
  get(t, prop, receiver) { log.push(`get ${String(prop)}`); return prop in t ? Reflect.get(t, prop, receiver) : `<no ${String(prop)}>`; },
  set(t, prop, value) {
    if (prop === 'version' && typeof value !== 'number') throw new TypeError('version must be a number');
    log.push(`set ${prop}=${value}`);
    return Reflect.set(t, prop, value);
  },
  has(t, prop) { return !prop.startsWith('_') && prop in t; },
  deleteProperty(t, prop) { log.push(`delete ${prop}`); return Reflect.deleteProperty(t, prop); },
  ownKeys(t) { return Reflect.ownKeys(t).filter((k) => k !== 'hidden'); },
});
console.log(proxy.name, proxy.missing);
proxy.version = 2;
try { proxy.version = 'x'; } catch (e) { console.log(e.name + ': ' + e.message); }
target._private = true;
target.hidden = 'h';
console.log('name' in proxy, '_private' in proxy, Object.keys(proxy).join(','));
delete proxy.hidden;
console.log(log.join(' | '));
const fnProxy = new Proxy(function add(a, b) { return a + b; }, {
  apply(t, thisArg, args) { return `result=${Reflect.apply(t, thisArg, args) * 10}`; },
  construct(t, args) { return { constructedWith: args.join('+') }; },
});
console.log(fnProxy(1, 2), new fnProxy(3, 4).constructedWith);
const negIndex = (arr) => new Proxy(arr, { get: (t, p, r) => (typeof p === 'string' && /^-\d+$/.test(p) ? t[t.length + Number(p)] : Reflect.get(t, p, r)) });
const arr = negIndex([10, 20, 30]);
console.log(arr[-1], arr[0], arr.length, arr.map((x) => x / 10).join());
const { proxy: rp, revoke } = Proxy.revocable({ a: 1 }, {});
console.log(rp.a);
revoke();
try { rp.a; } catch (e) { console.log(e.name); }
console.log(Reflect.has({ x: 1 }, 'x'), Reflect.ownKeys({ b: 1, a: 2, 1: 0 }).join(), Reflect.getPrototypeOf([]) === Array.prototype);
const o = {};
console.log(Reflect.defineProperty(o, 'fixed', { value: 42, writable: false }), Reflect.set(o, 'fixed', 1), o.fixed);
console.log(Reflect.construct(Date, [Date.UTC(2020, 0, 1)]).toISOString(), Reflect.apply(Math.max, null, [1, 7, 3]));
const validator = new Proxy({}, { set(t, k, v) { if (!Number.isInteger(v)) return false; t[k] = v; return true; } });
validator.age = 30;
validator.bad = 'x';
console.log(JSON.stringify(validator));
(function () { 'use strict'; try { validator.bad = 1.5; } catch (e) { console.log('strict:', e.name); } })();
