// Number formatting and parsing: toFixed, toPrecision, toString(radix), parseInt/parseFloat, edge cases.
console.log(0.1 + 0.2, 0.1 + 0.2 === 0.3, Math.abs(0.3 - (0.1 + 0.2)) < Number.EPSILON);
console.log((1.005).toFixed(2), (1.255).toFixed(2), (2.5).toFixed(0), (-1.5).toFixed(0), (1e21).toFixed(2), (0).toFixed(3));
console.log((123.456).toPrecision(4), (0.000123).toPrecision(2), (123456).toPrecision(2), (1.5).toExponential(3), (12345).toExponential());
console.log((255).toString(2), (255).toString(16), (-255).toString(36), (0.5).toString(2), (3.75).toString(16), (1e21).toString(7).length > 0);
console.log(parseInt('42px'), parseInt('  -17  '), parseInt('0x1F'), parseInt('1F', 16), parseInt('z', 36), parseInt('abc'), parseInt(''), parseInt('08'), parseInt('1e3'));
console.log(parseInt(0.0000005), parseInt('123', 5), parseInt(null, 36), parseInt('11', 2), parseInt('-0'), Object.is(parseInt('-0'), -0));
console.log(parseFloat('3.14abc'), parseFloat('.5'), parseFloat('-.5e2'), parseFloat('1e-7'), parseFloat('Infinityx'), parseFloat('x1'));
console.log(Number(''), Number(' 12 '), Number('12px'), Number('0b101'), Number('0o17'), Number(null), Number(undefined), Number([5]), Number([1, 2]), Number(true));
console.log(1 / 0, -1 / 0, 0 / 0, -0, Object.is(-0, 0), 1 / -0, [-0].join(), String(-0), `${-0}`, JSON.stringify(-0));
console.log(Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, Number.MAX_VALUE, Number.MIN_VALUE, Number.EPSILON);
console.log(2 ** 53 + 1, 2 ** 64, 1e21, 1e-7, 123e-20, 0.000001, 1234567890123456789, 5e-324, 1.7976931348623157e308 * 10);
console.log(Number.isInteger(5.0), Number.isInteger(5.5), Number.isSafeInteger(2 ** 53), Number.isNaN('x'), isNaN('x'), Number.isFinite('5'), isFinite('5'));
console.log(100 / 3, 2 / 3, 1 / 3, 10 / 4, 7 % -3, -7 % 3, 5.5 % 2, 2 ** -1, (-8) ** (1 / 3));
console.log(0.1 * 3, 1 - 0.9, 100 * 1.1, 1.1 + 2.2, 3 * 1.1, 4.35 * 100, 9007199254740993);
console.log(~~7.9, 7.9 | 0, -7.9 | 0, 2 ** 31 | 0, 1 << 31, 1 << 32, -1 >>> 0, -1 >>> 28, 5 >> 1, -5 >> 1);
console.log(+'3' + +'4', '3' + 4, '3' * '4', '10' / '4', '7' - 2, true + 1, null + 1, undefined + 1, [] + [], [] + {});
console.log((1234.5678).toFixed(1), Math.round(2.5), Math.round(-2.5), Math.round(0.49999999999999994), (25).toString(36), 0xff, 0o17, 0b1010, 1_000_000);
