// ECMAScript Annex B (legacy web features), which browsers and Node implement: substr,
// escape/unescape, __proto__ in object literals, String HTML methods, getYear, RegExp.compile.
console.log('abcdef'.substr(2, 2), 'abcdef'.substr(-3), 'abcdef'.substr(1));
console.log(escape('a b+c/é'), unescape('%u2603%20x'));
const proto = { greet() { return 'hi from proto'; } };
const obj = { __proto__: proto, own: 1 };
console.log(obj.greet(), Object.getPrototypeOf(obj) === proto, Object.keys(obj).join());
console.log(({}).__proto__ === Object.prototype, 'x'.anchor('n'), 'y'.bold());
console.log(new Date(Date.UTC(2024, 0, 15, 12)).getYear(), 'trimLeft' in String.prototype);
const re = /a/;
re.compile('b+', 'g');
console.log(re.source, re.flags, 'abbb'.replace(re, 'X'));
console.log(typeof String.prototype.fontcolor, typeof Date.prototype.toGMTString);
