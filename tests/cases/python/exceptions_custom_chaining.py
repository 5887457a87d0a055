# Exceptions: try/except/else/finally, custom exception classes, chaining, re-raise.
class AppError(Exception):
    pass


class ValidationError(AppError):
    def __init__(self, field, msg):
        super().__init__(f"{field}: {msg}")
        self.field = field


def validate(age):
    if not isinstance(age, int):
        raise ValidationError("age", "must be int")
    if age < 0:
        raise ValidationError("age", "must be >= 0")
    return age


for value in [5, -1, "x"]:
    try:
        validate(value)
    except ValidationError as e:
        print("invalid", e.field, "|", e, "|", type(e).__name__, isinstance(e, AppError))
    else:
        print("valid", value)
    finally:
        print("checked", repr(value))


def convert(s):
    try:
        return int(s)
    except ValueError as e:
        raise AppError("conversion failed") from e


try:
    convert("abc")
except AppError as e:
    print(e, "| cause:", type(e.__cause__).__name__, e.__cause__)

try:
    try:
        1 / 0
    except ZeroDivisionError:
        {}["missing"]
except KeyError as e:
    print("context:", type(e.__context__).__name__, repr(e))


def f():
    try:
        return "try"
    finally:
        print("finally before return")


print(f())

try:
    try:
        raise RuntimeError("inner")
    except RuntimeError:
        print("handling and re-raising")
        raise
except RuntimeError as e:
    print("outer caught", e.args)

errors = []
for exc in (IndexError, KeyError, TypeError):
    try:
        raise exc("boom")
    except (IndexError, KeyError) as e:
        errors.append(type(e).__name__)
    except Exception as e:
        errors.append("other:" + type(e).__name__)
print(errors)
print(issubclass(KeyError, LookupError), ZeroDivisionError.__mro__[1].__name__)
