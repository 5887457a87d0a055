# int()/float() parsing, bases and the ValueError messages for bad input.
samples = ["42", "  -17 ", "+8", "1_000", "0x1F", "abc", "", "3.5", "1e3", "٣", "12 34"]
for s in samples:
    try:
        print(repr(s), "->", int(s))
    except ValueError as e:
        print(repr(s), "-> ValueError:", e)
print(int("0x1F", 16), int("1F", 16), int("0b101", 0), int("0o17", 0), int("z", 36), int("-101", 2))
for s in ["3.5", "-1e-3", "inf", "-Infinity", "nan", "1_0.5", "x1", "1.2.3"]:
    try:
        print(repr(s), "->", float(s))
    except ValueError as e:
        print(repr(s), "-> ValueError:", e)
try:
    int("9", 8)
except ValueError as e:
    print("ValueError:", e)
try:
    int(None)
except TypeError as e:
    print("TypeError raised for None")
print(int(7.99), int(-0.5), int(True), int(b"12"), float(3), str(10 ** 5), str(-0.0))
