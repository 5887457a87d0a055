// Classes: inheritance, super, getters/setters, static members, private fields, instanceof.
class Shape {
  static count = 0;
  #id;
  constructor(name) {
    this.name = name;
    Shape.count += 1;
    this.#id = Shape.count;
  }
  get id() { return this.#id; }
  area() { return 0; }
  describe() { return `${this.name}#${this.id} area=${this.area().toFixed(2)}`; }
  static create(kind, ...args) { return kind === 'circle' ? new Circle(...args) : new Rect(...args); }
}

class Rect extends Shape {
  constructor(w, h) { super('rect'); this.w = w; this.h = h; }
  area() { return this.w * this.h; }
  get aspect() { return this.w / this.h; }
  set width(v) { if (v <= 0) throw new RangeError('width must be positive'); this.w = v; }
}

class Square extends Rect {
  constructor(s) { super(s, s); this.name = 'square'; }
  describe() { return super.describe() + ' (square)'; }
}

class Circle extends Shape {
  static #pi = 3.14159;
  constructor(r) { super('circle'); this.r = r; }
  area() { return Circle.#pi * this.r ** 2; }
  static isCircle(s) { return #pi in s.constructor && s instanceof Circle; }
}

const shapes = [new Rect(2, 3), new Square(4), Shape.create('circle', 1), Shape.create('rect', 5, 2)];
for (const s of shapes) console.log(s.describe());
console.log(Shape.count, shapes[0].aspect, shapes[1] instanceof Rect, shapes[1] instanceof Circle);
const r = shapes[0];
r.width = 10;
console.log(r.area());
try { r.width = -1; } catch (e) { console.log(e.name + ': ' + e.message); }
console.log(Circle.isCircle(shapes[2]), Circle.isCircle(shapes[0]));
console.log(typeof Shape, Object.getPrototypeOf(Square) === Rect, Square.name, r.constructor.name);
console.log(Object.getOwnPropertyNames(Rect.prototype).join(','));
class Temp { static { Temp.initialized = 'static block ran'; } }
console.log(Temp.initialized);
const Mixin = (Base) => class extends Base { hello() { return 'hello from mixin on ' + this.name; } };
console.log(new (Mixin(Rect))(1, 1).hello());
