// Arrow functions vs regular functions and `this`: methods, call/apply/bind, callbacks.
const counter = {
  count: 0,
  label: 'ctr',
  incLater() { return [1, 2, 3].map(() => ++this.count); },
  incRegular() { return [1, 2].map(function () { return this === undefined ? 'undefined this' : typeof this; }); },
  arrowMethod: () => typeof this,
};
console.log(counter.incLater().join(','), counter.count);
console.log(counter.incRegular().join(','));
function whoAmI(greeting, punct) { return `${greeting}, ${this.name}${punct}`; }
const ann = { name: 'Ann' };
console.log(whoAmI.call(ann, 'Hi', '!'), whoAmI.apply({ name: 'Bob' }, ['Yo', '?']));
const bound = whoAmI.bind({ name: 'Cid' }, 'Hey');
console.log(bound('.'), bound.call({ name: 'ignored' }, '!!'), bound.name);
class Button {
  constructor(label) { this.label = label; this.onClickArrow = () => `arrow: ${this.label}`; }
  onClickMethod() { return `method: ${this && this.label}`; }
}
const btn = new Button('OK');
const { onClickArrow } = btn;
const detached = btn.onClickMethod;
console.log(onClickArrow());
try { console.log(detached()); } catch (e) { console.log(e.constructor.name); }
console.log(detached.call(btn));
const make = () => ({ value: 42 });
console.log(make().value, (() => {})(), ((a, b = a * 2) => a + b)(3));
const adder = (a) => (b) => (c) => a + b + c;
console.log(adder(1)(2)(3));
function Legacy() { this.v = 1; }
Legacy.prototype.get = function () { return this.v; };
console.log(new Legacy().get(), typeof (() => 1).prototype, typeof function () {}.prototype);
try { new (() => {})(); } catch (e) { console.log(e.name); }
const obj = { list: ['a', 'b'], prefix: '>', render() { return this.list.map((x) => this.prefix + x).join(' '); } };
console.log(obj.render());
function outerFn() { return (() => arguments.length)(); }
console.log(outerFn(1, 2, 3));
