// console.error/console.warn go to stderr, console.log/info to stdout (both compared).
console.log('to stdout');
console.error('to stderr');
console.info('info goes to stdout');
console.warn('warn goes to stderr');
console.log('number', 42, 'float', 1.5, 'neg zero', -0, 'bool', true, 'null', null, 'undef', undefined);
console.error('error with number', 7);
console.log();
console.log('');
console.log('multi\nline', 'with\ttab');
console.log(String(Symbol('s')), typeof console.log, 'unicode ☃ é 😀');
