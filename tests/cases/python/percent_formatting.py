# Old-style %-formatting.
print("%s is %d years old" % ("Ann", 30))
print("%5d|%-5d|%05d|%+d" % (42, 42, 42, 42))
print("%.3f|%10.2f|%-10.1f|%e" % (3.14159, 2.5, 1.25, 12345.678))
print("%x %X %o %#x %#o" % (255, 255, 8, 255, 8))
print("%c%c%c" % (72, 105, 33))
print("%r %s" % ("quoted", "plain"))
print("%(name)s has %(count)03d items" % {"name": "box", "count": 7})
print("100%% done, %s" % "ok")
print("%*d|%-*s|" % (6, 7, 4, "ab"))
print("%.2s|%5.1s|" % ("abcdef", "xyz"))
print("%g %g %g" % (0.0001, 1000000.0, 1e20))
print("%s" % [1, 2], "%s" % ((1, 2),))
try:
    print("%d" % "x")
except TypeError:
    print("TypeError for %d with str")
try:
    print("%s %s" % ("only one",))
except TypeError:
    print("TypeError for too few args")
