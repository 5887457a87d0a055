// String methods: padStart/padEnd, replaceAll, split, slice/substring, case, trim, repeat, codePoint.
const s = '  Hello, World! Hello again.  ';
const t = s.trim();
console.log(JSON.stringify(t), JSON.stringify(s.trimStart()), JSON.stringify(s.trimEnd()));
console.log(t.toUpperCase(), t.toLowerCase(), t.length, t.charAt(4), t[1], t.charCodeAt(0), t.at(-1));
console.log(t.indexOf('Hello'), t.lastIndexOf('Hello'), t.indexOf('xyz'), t.includes('World'), t.startsWith('Hello'), t.endsWith('.'));
console.log(t.replace('Hello', 'Bye'), '|', t.replaceAll('Hello', 'Bye'), '|', t.split(' ').length, t.split(', ')[1]);
console.log('a,b,,c'.split(','), 'abc'.split(''), 'a b c'.split(' ', 2), 'x'.split(','), ''.split(',').length, ''.split('').length);
console.log('5'.padStart(3, '0'), 'abc'.padEnd(6, '.') + '|', 'abc'.padStart(8, '12') , 'long'.padStart(2), '7'.padStart(4));
console.log('abcdef'.slice(1, 4), 'abcdef'.slice(-2), 'abcdef'.substring(4, 1), 'abcdef'.slice(2, -10) === '');
console.log('ha'.repeat(3), 'a-b-c'.split('-').reverse().join('-'), [...'stressed'].reverse().join(''));
console.log('😀'.length, [...'😀👍'].length, '😀'.codePointAt(0), String.fromCodePoint(128512, 65), String.fromCharCode(72, 105), 'é'.normalize('NFD').length);
console.log('straße'.toUpperCase(), 'İ'.toLowerCase().length, 'ǅ'.toLowerCase(), 'Σ'.toLowerCase());
console.log('abc' < 'abd', 'Z' < 'a', 'a'.localeCompare === undefined, 'b'.concat('c', 1, null));
console.log('Title case words here'.split(' ').map((w) => w[0].toUpperCase() + w.slice(1)).join(' '));
console.log('  x  '.trim().length, 'tab\there'.split('\t'), 'line1\nline2\r\nline3'.split(/\r?\n/));
console.log('%s is %d', 'printf-like', 42, 'extra');
console.log('abc'.localeCompare ? typeof 'abc'.localeCompare : 'none', 'aXbXc'.split('X', -1).length, encodeURIComponent('a b&c/é'));
console.log(decodeURIComponent('%E2%98%83'), encodeURI('http://x.y/a b?q=1&r=é'), 'abc'.isWellFormed?.() ?? 'n/a');
