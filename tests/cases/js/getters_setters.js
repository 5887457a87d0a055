// Accessor properties on object literals, classes and defineProperty; computed and validated values.
const temp = {
  _c: 25,
  get f() { return this._c * 9 / 5 + 32; },
  set f(v) { this._c = (v - 32) * 5 / 9; },
  get c() { return this._c; },
};
console.log(temp.f, temp.c);
temp.f = 212;
console.log(temp.c, temp.f);
temp.c = 0;
console.log('setter-less assignment ignored:', temp.c);
class Person {
  #first; #last; #history = [];
  constructor(first, last) { this.#first = first; this.#last = last; }
  get fullName() { return `${this.#first} ${this.#last}`; }
  set fullName(v) {
    const [f, l] = v.split(' ');
    if (!l) throw new Error('need first and last name');
    this.#history.push(this.fullName);
    [this.#first, this.#last] = [f, l];
  }
  get history() { return [...this.#history]; }
  static get species() { return 'human'; }
}
const p = new Person('Ada', 'Lovelace');
p.fullName = 'Grace Hopper';
try { p.fullName = 'Mononym'; } catch (e) { console.log(e.message); }
console.log(p.fullName, p.history.join(';'), Person.species, Object.keys(p).length);
const desc = Object.getOwnPropertyDescriptor(Person.prototype, 'fullName');
console.log(typeof desc.get, typeof desc.set, desc.enumerable, desc.configurable);
const counter = {};
let reads = 0;
Object.defineProperty(counter, 'value', { get() { reads++; return reads * 10; }, enumerable: true });
console.log(counter.value, counter.value, JSON.stringify(counter), reads);
const lazy = {
  get expensive() {
    console.log('computing once');
    Object.defineProperty(this, 'expensive', { value: 42, writable: false });
    return this.expensive;
  },
};
console.log(lazy.expensive, lazy.expensive);
const key = 'dyn';
const computed = { get [key + 'Prop']() { return 'computed getter'; } };
console.log(computed.dynProp, Object.keys(computed).join());
class Base { get kind() { return 'base'; } }
class Derived extends Base { get kind() { return 'derived<' + super.kind + '>'; } }
console.log(new Derived().kind);
const arrLike = { data: [1, 2, 3], get length() { return this.data.length; }, get last() { return this.data.at(-1); } };
arrLike.data.push(4);
console.log(arrLike.length, arrLike.last);
