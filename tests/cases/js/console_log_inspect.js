// console.log of non-string values uses Node's util.inspect format (short lines only).
console.log([1, 2, 3]);
console.log(['a', 'b'], [], [[1, 2], [3]]);
console.log({ a: 1, b: 'x' });
console.log({}, { nested: { deep: true } });
console.log({ list: [1, 'two', null, undefined], flag: false });
console.log(new Map([['a', 1]]));
console.log(new Set([1, 'x']));
console.log(new Map(), new Set());
console.log([1.5, -0, NaN, Infinity]);
console.log({ 'key with space': 1, valid_id: 2 });
console.log([true, null, undefined]);
console.log("it's", ['quote\'s']);
console.log({ f: 1.25, n: -7, big: 10n });
console.log([ [ 'nested', [ 'arr' ] ] ]);
console.log(null, undefined, true, 3, 'plain string');
