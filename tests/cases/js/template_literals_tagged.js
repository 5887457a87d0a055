// Template literals and tagged templates (including String.raw).
const user = { name: 'Ann', items: 3 };
console.log(`Hello ${user.name}, you have ${user.items} item${user.items === 1 ? '' : 's'}.`);
console.log(`Math: ${2 + 3 * 4}, nested: ${`inner ${user.name.toUpperCase()}`}`);
console.log(`multi
line
  string`);
console.log(`escaped \${not} and \` backtick and \\ slash`);
function tag(strings, ...values) {
  return strings.raw.map((s, i) => `[${s}]` + (i < values.length ? `<${values[i]}>` : '')).join('');
}
console.log(tag`a${1}b${'two'}c`);
console.log(tag`${'start'}middle${'end'}`);
function html(strings, ...vals) {
  const esc = (v) => String(v).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return strings.reduce((out, s, i) => out + s + (i < vals.length ? esc(vals[i]) : ''), '');
}
console.log(html`<p>${'<script>alert(1)</script>'} & ${'a&b'}</p>`);
console.log(String.raw`C:\new\table ${1 + 1}`, String.raw`\u00e9`.length);
function cooked(strings) { return `${strings.length} ${strings[0]} ${strings.raw[0]}`; }
console.log(cooked`tab\there`);
const currency = (s, ...v) => s.reduce((acc, str, i) => acc + str + (i < v.length ? v[i].toFixed(2) : ''), '');
console.log(currency`Total: $${12.5} + tax $${1.125}`);
const same = (s) => s;
console.log(same`x` === same`x`, (() => { const f = (s) => s; const r = []; for (let i = 0; i < 2; i++) r.push(f`y`); return r[0] === r[1]; })());
console.log(`${[1, 2, 3]} ${{}} ${null} ${undefined} ${true} ${1n} ${Symbol.iterator.description}`);
