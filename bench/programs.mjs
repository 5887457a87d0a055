// The benchmark's programs: the same workload written for each language, so every engine and
// its peer run exactly the same thing. Each prints one line the harness compares across engines
// (a wrong answer makes the run fail rather than a fast time count).

/** Hello world per language: cold start is timed until this output appears. */
export const HELLO = {
  js: 'console.log("hi")',
  python: 'print("hi")',
};

/** The throughput suite for JS and Python (issue 8): [name, js source, python source]. */
export const SUITE = [
  [
    "fib(25)",
    `function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
console.log(String(fib(25)));`,
    `def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)
print(fib(25))`,
  ],
  [
    "loop 1..10^6",
    `let s = 0;
for (let i = 1; i <= 1000000; i++) s += i;
console.log(String(s));`,
    `s = 0
for i in range(1, 1000001):
    s += i
print(s)`,
  ],
  [
    "string building",
    `const parts = [];
for (let i = 0; i < 200000; i++) parts.push(String((i * 7) % 1000));
const text = parts.join(",");
console.log(String(text.length));`,
    `parts = []
for i in range(200000):
    parts.append(str((i * 7) % 1000))
text = ",".join(parts)
print(len(text))`,
  ],
  [
    "sort 10^5",
    `let x = 42;
const a = [];
for (let i = 0; i < 100000; i++) { x = (x * 48271) % 2147483647; a.push(x); }
a.sort((p, q) => p - q);
console.log(a[0] + " " + a[50000] + " " + a[99999]);`,
    `x = 42
a = []
for i in range(100000):
    x = (x * 48271) % 2147483647
    a.append(x)
a.sort()
print(a[0], a[50000], a[99999])`,
  ],
  [
    "dict/Map",
    `const m = new Map();
for (let i = 0; i < 200000; i++) {
  const k = "k" + ((i * 7919) % 5003);
  m.set(k, (m.get(k) || 0) + 1);
}
let total = 0;
for (const v of m.values()) total += v * v;
console.log(m.size + " " + total);`,
    `m = {}
for i in range(200000):
    k = "k" + str((i * 7919) % 5003)
    m[k] = m.get(k, 0) + 1
total = 0
for v in m.values():
    total += v * v
print(len(m), total)`,
  ],
  [
    "classes",
    `class Vec {
  constructor(x, y) { this.x = x; this.y = y; }
  add(o) { return new Vec(this.x + o.x, this.y + o.y); }
  dot(o) { return this.x * o.x + this.y * o.y; }
}
let v = new Vec(0, 0);
let d = 0;
for (let i = 0; i < 100000; i++) {
  const w = new Vec(i % 7, i % 11);
  v = v.add(w);
  d += w.dot(w) % 3;
}
console.log(v.x + " " + v.y + " " + d);`,
    `class Vec:
    def __init__(self, x, y):
        self.x = x
        self.y = y
    def add(self, o):
        return Vec(self.x + o.x, self.y + o.y)
    def dot(self, o):
        return self.x * o.x + self.y * o.y
v = Vec(0, 0)
d = 0
for i in range(100000):
    w = Vec(i % 7, i % 11)
    v = v.add(w)
    d += w.dot(w) % 3
print(v.x, v.y, d)`,
  ],
];

/** `import json, re, collections` after start, timed (issue 8). */
export const IMPORTS = "import json, re, collections";
/** The program whose first run's bytes are weighed: Python plus five standard modules. */
export const IMPORTS_FIVE = "import json, re, collections, math, itertools\nprint(json.dumps(sorted(collections.Counter('abca'))))";

/** Programs that never end, for stop-and-recover. */
export const RUNAWAY = {
  js: "for (;;) {}",
  python: "while True:\n    pass",
  wasm: `(module (func (export "_start") (loop $l (br $l))))`,
};

// WAT: a shared printer (decimal i64 + newline through WASI fd_write), then each workload's body.
const PRINTER = `
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 8)
  ;; bytes 0..8: the iovec, 16..48: digits, 64..: data
  (func $print (param $v i64) (local $p i32)
    (local.set $p (i32.const 47))
    (i32.store8 (local.get $p) (i32.const 10))
    (loop $digits
      (local.set $p (i32.sub (local.get $p) (i32.const 1)))
      (i32.store8 (local.get $p) (i32.add (i32.const 48) (i32.wrap_i64 (i64.rem_u (local.get $v) (i64.const 10)))))
      (local.set $v (i64.div_u (local.get $v) (i64.const 10)))
      (br_if $digits (i64.ne (local.get $v) (i64.const 0))))
    (i32.store (i32.const 0) (local.get $p))
    (i32.store (i32.const 4) (i32.sub (i32.const 48) (local.get $p)))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))
`;

// Shell sort's gaps (Ciura's sequence, extended by ×2.25), largest first, ending with 1.
const SHELL_GAPS = [39367, 17497, 7776, 3456, 1750, 701, 301, 132, 57, 23, 10, 4, 1];
const i32Data = (values) =>
  values.map((v) => [0, 8, 16, 24].map((s) => "\\" + ((v >> s) & 255).toString(16).padStart(2, "0")).join("")).join("");

const wat = (body) => `(module ${PRINTER} ${body})`;

/** Hello world in WAT: prints "hi". */
export const HELLO_WAT = `(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "hi\\n")
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 3))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))`;

/**
 * The WebAssembly suite: [name, WAT]. Larger than the JS/Python sizes: native code finishes
 * fib(25) in about a millisecond, and native times under ~20 ms swing by 2–3× on a loaded machine
 * (timer resolution, scheduling), which made the ratio swing as much. Both sides run the same
 * module, so the ratio stays meaningful.
 */
export const WASM_SUITE = [
  [
    "fib(32)",
    wat(`
  (func $fib (param $n i32) (result i32)
    (if (result i32) (i32.lt_s (local.get $n) (i32.const 2))
      (then (local.get $n))
      (else (i32.add (call $fib (i32.sub (local.get $n) (i32.const 1)))
                     (call $fib (i32.sub (local.get $n) (i32.const 2)))))))
  (func (export "_start") (call $print (i64.extend_i32_u (call $fib (i32.const 32)))))`),
  ],
  [
    "loop 1..5·10^7",
    wat(`
  (func (export "_start") (local $i i64) (local $s i64)
    (local.set $i (i64.const 1))
    (loop $l
      (local.set $s (i64.add (local.get $s) (local.get $i)))
      (local.set $i (i64.add (local.get $i) (i64.const 1)))
      (br_if $l (i64.le_u (local.get $i) (i64.const 50000000))))
    (call $print (local.get $s)))`),
  ],
  [
    "sort 10^5",
    // MINSTD numbers into memory, then Shell sort (Ciura's gaps), then print three of them.
    wat(`
  (func (export "_start") (local $i i32) (local $x i64) (local $g i32) (local $gi i32)
      (local $j i32) (local $t i32) (local $n i32)
    (local.set $n (i32.const 100000))
    (local.set $x (i64.const 42))
    (loop $fill
      (local.set $x (i64.rem_u (i64.mul (local.get $x) (i64.const 48271)) (i64.const 2147483647)))
      (i32.store (i32.add (i32.const 64) (i32.shl (local.get $i) (i32.const 2))) (i32.wrap_i64 (local.get $x)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $fill (i32.lt_u (local.get $i) (local.get $n))))
    (local.set $gi (i32.const 0))
    (loop $gaps
      (local.set $g (i32.load (i32.add (i32.const 400128) (i32.shl (local.get $gi) (i32.const 2)))))
      (local.set $i (local.get $g))
      (block $done_i (loop $each
        (br_if $done_i (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $t (i32.load (i32.add (i32.const 64) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $j (local.get $i))
        (block $placed (loop $shift
          (br_if $placed (i32.lt_u (local.get $j) (local.get $g)))
          (br_if $placed (i32.le_u
            (i32.load (i32.add (i32.const 64) (i32.shl (i32.sub (local.get $j) (local.get $g)) (i32.const 2))))
            (local.get $t)))
          (i32.store (i32.add (i32.const 64) (i32.shl (local.get $j) (i32.const 2)))
            (i32.load (i32.add (i32.const 64) (i32.shl (i32.sub (local.get $j) (local.get $g)) (i32.const 2)))))
          (local.set $j (i32.sub (local.get $j) (local.get $g)))
          (br $shift)))
        (i32.store (i32.add (i32.const 64) (i32.shl (local.get $j) (i32.const 2))) (local.get $t))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $each)))
      (local.set $gi (i32.add (local.get $gi) (i32.const 1)))
      (br_if $gaps (i32.lt_u (local.get $gi) (i32.const ${SHELL_GAPS.length}))))
    (call $print (i64.extend_i32_u (i32.load (i32.const 64))))
    (call $print (i64.extend_i32_u (i32.load (i32.const 200064))))
    (call $print (i64.extend_i32_u (i32.load (i32.const 400060)))))
  (data (i32.const 400128) "${i32Data(SHELL_GAPS)}")`),
  ],
];
