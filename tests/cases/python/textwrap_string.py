# textwrap and the string module.
import textwrap
import string

para = ("The quick brown fox jumps over the lazy dog. " * 3).strip()
print(textwrap.wrap(para, width=30))
print(textwrap.fill(para, width=25))
print(textwrap.fill(para, width=40, initial_indent="* ", subsequent_indent="  "))
print(textwrap.shorten(para, width=40, placeholder=" [...]"))
code = """
    def f():
        return 1
"""
print(repr(textwrap.dedent(code)))
print(textwrap.indent("a\nb\n\nc", "> "))
print(string.ascii_letters, string.ascii_lowercase, string.digits, string.hexdigits)
print(string.punctuation, repr(string.whitespace), string.octdigits)
t = string.Template("Hello $name, you owe $$${amount}. ${name}!")
print(t.substitute(name="Ann", amount=42))
print(string.Template("$a and $b").safe_substitute(a=1))
try:
    string.Template("$missing").substitute({})
except KeyError as e:
    print("KeyError", e)
print(string.capwords("hello   big  world"), string.capwords("a-b-c", "-"))
fmt = string.Formatter()
print(fmt.format("{0}:{x:>4}", "k", x=7), list(fmt.parse("a{b}c{d:>3}")))
