// Symbols: uniqueness, description, registry, well-known symbols, symbol-keyed properties.
const s1 = Symbol('id');
const s2 = Symbol('id');
console.log(s1 === s2, s1.description, s1.toString(), typeof s1, Symbol().description);
console.log(Symbol.for('app') === Symbol.for('app'), Symbol.keyFor(Symbol.for('app')), Symbol.keyFor(s1));
const obj = { [s1]: 'secret', visible: 1 };
console.log(Object.keys(obj).join(), JSON.stringify(obj), obj[s1], Object.getOwnPropertySymbols(obj).length);
console.log(Reflect.ownKeys(obj).map(String).join(','));
class Money {
  constructor(amount) { this.amount = amount; }
  [Symbol.toPrimitive](hint) { return hint === 'number' ? this.amount : hint === 'string' ? `$${this.amount}` : `default:${this.amount}`; }
  get [Symbol.toStringTag]() { return 'Money'; }
  static [Symbol.hasInstance](x) { return typeof x === 'object' && x !== null && 'amount' in x; }
}
const m = new Money(5);
console.log(+m, `${m}`, m + '', m * 2, Object.prototype.toString.call(m), { amount: 1 } instanceof Money);
const range = { from: 1, to: 3, *[Symbol.iterator]() { for (let i = this.from; i <= this.to; i++) yield i; } };
console.log([...range].join(), Array.from(range, (x) => x * 10).join());
const arrLike = { length: 2, 0: 'a', 1: 'b', [Symbol.isConcatSpreadable]: true };
console.log([1].concat(arrLike).join());
class Evens extends Array { static get [Symbol.species]() { return Array; } }
const ev = Evens.from([1, 2, 3, 4]);
console.log(ev instanceof Evens, ev.filter((x) => x % 2 === 0) instanceof Evens);
const re = { [Symbol.replace](str, rep) { return str.split('x').join(rep); } };
console.log('axbxc'.replace(re, '-'));
try { console.log(s1 + ''); } catch (e) { console.log(e.name); }
console.log(String(s1), Symbol.iterator in [], typeof Symbol.asyncIterator, Symbol('x').description.length);
