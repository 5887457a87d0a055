// Labeled break/continue, loop forms (for-in, for-of, do-while), switch fallthrough.
const grid = [[1, 2, 3], [4, 5, 6], [7, 8, 9]];
let found = null;
outer: for (let r = 0; r < grid.length; r++) {
  for (let c = 0; c < grid[r].length; c++) {
    if (grid[r][c] === 5) { found = [r, c]; break outer; }
  }
}
console.log('found 5 at', found.join(','));
const pairs = [];
rows: for (let i = 0; i < 4; i++) {
  for (let j = 0; j < 4; j++) {
    if (j > i) continue rows;
    if ((i + j) % 3 === 0) continue;
    pairs.push(`${i}${j}`);
  }
}
console.log(pairs.join(' '));
block: {
  console.log('in block');
  if (pairs.length) break block;
  console.log('never');
}
let n = 0;
do { n++; } while (n < 5);
console.log('do-while', n);
let w = 10, steps = 0;
while (w !== 1) { w = w % 2 ? 3 * w + 1 : w / 2; steps++; }
console.log('collatz steps', steps);
const obj = { b: 1, a: 2, 2: 'two', 1: 'one' };
const keys = [];
for (const k in obj) keys.push(k);
console.log(keys.join(','));
function classify(x) {
  const out = [];
  switch (x) {
    case 1: out.push('one');
    case 2: out.push('two'); break;
    case 'a': case 'b': out.push('letter'); break;
    default: out.push('other');
    case 3: out.push('three');
  }
  return out.join('+');
}
console.log([1, 2, 'b', 3, 9].map(classify).join(' | '));
for (let i = 0, j = 10; i < j; i += 3, j -= 3) console.log('i,j', i, j);
for (const ch of 'héy') process0(ch);
function process0(c) { console.log('char', c, c.charCodeAt(0)); }
let count = 0;
for (;;) { if (++count >= 3) break; }
console.log('infinite loop exited at', count);
