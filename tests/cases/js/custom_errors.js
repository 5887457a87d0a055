// Custom Error subclasses: name, message, instanceof, properties, cause.
class AppError extends Error {
  constructor(message, options) { super(message, options); this.name = this.constructor.name; }
}
class ValidationError extends AppError {
  constructor(field, message) { super(`${field}: ${message}`); this.field = field; }
}
class NotFoundError extends AppError {
  constructor(what) { super(`${what} not found`); this.status = 404; }
}
function validate(user) {
  if (typeof user.age !== 'number') throw new ValidationError('age', 'must be a number');
  if (user.age < 0) throw new ValidationError('age', 'must be >= 0');
  if (!user.name) throw new NotFoundError('name');
  return 'valid';
}
for (const u of [{ name: 'a', age: 1 }, { age: -1 }, { age: 'x' }, { age: 3 }]) {
  try { console.log(validate(u)); } catch (e) {
    console.log(e.name + ': ' + e.message, e instanceof AppError, e instanceof Error, e instanceof ValidationError, e.field ?? e.status);
  }
}
try { throw new AppError('outer', { cause: new NotFoundError('inner') }); } catch (e) { console.log(e.name, e.message, '<-', e.cause.name, e.cause.message); }
const e = new ValidationError('email', 'bad');
console.log(String(e), Object.prototype.toString.call(e), e.toString === Error.prototype.toString, Object.keys(e).join(','));
function LegacyError(msg) { this.message = msg; }
LegacyError.prototype = Object.create(Error.prototype);
LegacyError.prototype.name = 'LegacyError';
try { throw new LegacyError('old style'); } catch (err) { console.log(err.name, err.message, err instanceof Error, String(err)); }
const plain = new TypeError('typed');
plain.name = 'Renamed';
console.log(plain.toString(), new Error().message === '', new RangeError('r').name, new SyntaxError('s') instanceof Error);
class HttpError extends Error { get name() { return 'HttpError'; } }
console.log(new HttpError('418 teapot').toString());
