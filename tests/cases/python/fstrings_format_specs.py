# f-strings and format specs: width, alignment, fill, precision, sign, bases, thousands.
pi = 3.14159265358979
n = 1234567
name = "kiln"
print(f"{name!r} {name!s} {name:>8}| {name:<8}| {name:^8}| {name:*^10}")
print(f"{pi:.2f} {pi:10.4f}| {pi:<10.3f}| {pi:e} {pi:.3e} {pi:g}")
print(f"{n:,} {n:_} {n:>12,} {n:012d} {-n:+,}")
print(f"{255:b} {255:o} {255:x} {255:X} {255:#x} {255:#o} {255:#b} {255:08b}")
print(f"{0.25:%} {0.25:.1%} {1/3:.5f} {2/3:.0f} {1e10:.2e}")
print(f"{42:+d} {42: d} {-42: d} {42:=+8d}")
print(f"{'nested':{'>'}{12}}|")
width, prec = 10, 3
print(f"[{pi:{width}.{prec}f}]")
print(f"{{braces}} {n=} {pi*2=:.2f}")
print(f"{[1, 2]!r:>10}|{(1, 'a')}")
print("{0}-{1}-{0}".format("a", "b"), "{x}/{y}".format(x=1, y=2))
print("{:>6.2f}|{:<6}|{:^7}|".format(2.5, "ab", "mid"))
print(format(12345.6789, ",.2f"), format(0.000123, ".2g"), format(123456789, ".3g"))
print(f"{1.5:.0f} {2.5:.0f} {0.125:.2f} {0.375:.2f}")
print(f"{float('inf')} {float('-inf'):>6} {float('nan')}")
d = {"k": "v"}
print(f"{d['k']} {len(d)} {'yes' if d else 'no'}")
