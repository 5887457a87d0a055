// Runaway recursion throws a catchable RangeError (as in every browser and Node); the program
// then continues normally. The depth reached is engine-specific and is not printed.
function recurse(n) { return recurse(n + 1) + 1; }
try {
  recurse(0);
  console.log('not reached');
} catch (e) {
  console.log('caught', e.name, e instanceof RangeError);
}
let depth = 0;
function measure() { depth++; measure(); }
try { measure(); } catch (e) { console.log('depth > 200:', depth > 200); }
const fact = (n) => (n <= 1 ? 1n : BigInt(n) * fact(n - 1));
console.log('moderate recursion still works:', String(fact(200)).length, 'digits');
console.log('done');
