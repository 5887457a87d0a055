// kiln: compare=stdout,exit
// An uncaught error: stdout before it is kept, the error goes to stderr, exit status 1.
function parseConfig(text) {
  return JSON.parse(text);
}
console.log('loading config');
const ok = parseConfig('{"a": 1}');
console.log('first config ok:', ok.a);
class ConfigError extends Error { constructor(m) { super(m); this.name = 'ConfigError'; } }
try { parseConfig('{'); } catch (e) { throw new ConfigError('could not parse config'); }
console.log('not reached');
