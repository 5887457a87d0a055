# statistics (on integers), fractions and decimal.
import statistics
from fractions import Fraction
from decimal import Decimal, getcontext, ROUND_HALF_UP, ROUND_DOWN

data = [2, 4, 4, 4, 5, 5, 7, 9]
print(statistics.mean(data), statistics.median(data), statistics.mode(data))
print(statistics.median([1, 3, 5]), statistics.median_low([1, 2, 3, 4]), statistics.median_high([1, 2, 3, 4]))
print(statistics.pstdev(data), statistics.pvariance(data), statistics.variance([1, 2, 3, 4, 5]))
print(round(statistics.stdev(data), 10), statistics.multimode("aabbc"))

a = Fraction(1, 3)
b = Fraction(2, 4)
print(a, b, a + b, a * b, a / b, a - b, a ** 2, -a)
print(Fraction("3.125"), Fraction(0.75), Fraction(10, -4), Fraction(1, 3) == Fraction(2, 6))
print(float(Fraction(1, 8)), Fraction(7, 3).numerator, Fraction(7, 3).denominator, int(Fraction(7, 3)))
print(sum(Fraction(1, n) for n in range(1, 7)), Fraction(355, 113).limit_denominator(10))
print(round(Fraction(7, 2)), Fraction(1, 3) < 0.34, repr(Fraction(5, 10)))

print(Decimal("0.1") + Decimal("0.2"), Decimal("0.1") + Decimal("0.2") == Decimal("0.3"))
print(Decimal("1.10") * 3, Decimal(10) / Decimal(4), Decimal("7") // Decimal("2"), Decimal("-7") % Decimal("3"))
print(Decimal("2.675").quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
print(Decimal("2.675").quantize(Decimal("0.01"), rounding=ROUND_DOWN), Decimal("1E+3").normalize())
getcontext().prec = 10
print(Decimal(1) / Decimal(7), Decimal(2).sqrt())
getcontext().prec = 50
print(Decimal(1) / Decimal(3))
print(Decimal("3.14159").as_tuple(), repr(Decimal("1.500")), str(Decimal("-0.00")))
print(sorted([Decimal("1.5"), Decimal("-2"), Decimal("0.25")]), max(Decimal("1"), Decimal("1.0")))
print(Decimal(0.5), Decimal("123.456").to_integral_value(), int(Decimal("9.99")))
