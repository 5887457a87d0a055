// JSON.stringify (indent, replacer function/array, toJSON, special values) and JSON.parse (reviver).
const data = { name: 'kiln', version: 1, tags: ['a', 'b'], nested: { z: null, a: true, f: 1.5 }, skip: undefined, fn() {} };
console.log(JSON.stringify(data));
console.log(JSON.stringify(data, null, 2));
console.log(JSON.stringify([1, [2, [3]], {}], null, '--'));
console.log(JSON.stringify(data, ['name', 'nested', 'a']));
console.log(JSON.stringify(data, (k, v) => (typeof v === 'number' ? v * 10 : v)));
console.log(JSON.stringify([undefined, function () {}, Symbol('s'), NaN, Infinity, -0, null]));
console.log(JSON.stringify('unicode: é ☃ \n "q" \u2028'), JSON.stringify('\u0007\ud800'));
console.log(JSON.stringify(new Date(Date.UTC(2024, 0, 15, 10, 30))), JSON.stringify({ toJSON() { return { custom: true }; } }));
console.log(JSON.stringify(new Map([[1, 2]])), JSON.stringify(new Set([1])), JSON.stringify(Object.create({ inherited: 1 })));
console.log(JSON.stringify({ b: 1, a: 2, 1: 'one', 0: 'zero' }), JSON.stringify('x'), JSON.stringify(42), JSON.stringify(undefined));
console.log(JSON.stringify([1e21, 1e-7, 0.1 + 0.2, 123456789012345680000]));
const text = '{"a":[1,2.5,"x",null,true,false],"b":{"c":{}},"d":"\\u00e9\\n","e":1e3}';
const obj = JSON.parse(text);
console.log(obj.a.length, obj.a[1], obj.b.c, obj.d, obj.e, Object.keys(obj).join(''));
const revived = JSON.parse('{"date":"2024-01-15T00:00:00.000Z","n":"5","list":[1,2]}', (k, v) => {
  if (k === 'date') return new Date(v).getUTCFullYear();
  if (k === 'n') return Number(v);
  return v;
});
console.log(JSON.stringify(revived));
console.log(JSON.parse('{"a":1,"a":2}').a, JSON.parse(' [1 , 2] ').length, JSON.parse('"\\ud83d\\ude00"'), JSON.parse('-0') === 0);
for (const bad of ['{bad}', "{'a':1}", '[1,]', '', '01']) {
  try { JSON.parse(bad); console.log('parsed', bad); } catch (e) { console.log(e.name, JSON.stringify(bad)); }
}
const cyc = { self: null };
cyc.self = cyc;
try { JSON.stringify(cyc); } catch (e) { console.log(e.name); }
try { JSON.stringify({ n: 1n }); } catch (e) { console.log(e.name); }
console.log(JSON.stringify({ deep: { deeper: { deepest: [1, { x: 'y' }] } } }, null, 1));
