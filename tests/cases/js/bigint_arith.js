// BigInt arithmetic: big powers, factorial, division truncation, bitwise ops, conversions.
// (Engine error messages are not specified by ECMAScript, so only error names are printed.)
const big = 2n ** 200n;
console.log(big.toString());
let f = 1n;
for (let i = 1n; i <= 50n; i++) f *= i;
console.log(f.toString(), f.toString().length);
console.log((-7n / 2n).toString(), (-7n % 2n).toString(), (7n / -2n).toString(), (2n ** 64n - 1n).toString(16));
const a = 12345678901234567890123456789n;
const b = 98765432109876543210n;
console.log(String(a * b), String(a / b), String(a % b), String(a - b * 1000000000n));
console.log(String(a & b), String(a | b), String(a ^ b), String(a >> 40n), String(b << 70n), String(~5n), String(-a >> 3n));
function modpow(base, exp, mod) {
  let result = 1n;
  base %= mod;
  while (exp > 0n) { if (exp & 1n) result = (result * base) % mod; base = (base * base) % mod; exp >>= 1n; }
  return result;
}
console.log(String(modpow(3n, 1000n, 1000000007n)), String(modpow(123456789n, 987654321n, 1000000007n)));
console.log(BigInt(Number.MAX_SAFE_INTEGER) + 2n, BigInt('0x' + 'ff'.repeat(10)), BigInt('-123456789012345678901234567890'));
console.log(BigInt.asUintN(64, -1n), BigInt.asIntN(8, 255n), BigInt.asUintN(8, 257n));
console.log(typeof 1n, 1n == 1, 1n === 1, 2n > 1, 10n > 9.5, [3n, 1n, 2n].sort().join(','), 0n ? 'truthy' : 'falsy');
console.log(Number(2n ** 60n), parseInt('9007199254740993'), (2n ** 53n + 1n).toString(), (255n).toString(2));
try { console.log(1n + 1); } catch (e) { console.log('1n + 1:', e.name); }
try { console.log(BigInt(1.5)); } catch (e) { console.log(e.name); }
try { console.log(1n / 0n); } catch (e) { console.log('1n / 0n:', e.name); }
console.log(`${10n ** 30n}`, (123n).toLocaleString === undefined, JSON.stringify({ n: String(5n) }));
