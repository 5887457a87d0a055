# Arbitrary-precision integers.
import math

big = 2 ** 200
print(big)
print(len(str(big)), big.bit_length(), big % 1000007)
print(math.factorial(50))
print(pow(3, 1000, 10 ** 9 + 7), pow(2, -1, 7), pow(123456789, 987654321, 1000000007))
a = 12345678901234567890123456789
b = 98765432109876543210
print(a * b)
print(a // b, a % b, divmod(-a, b))
print(-(2 ** 100) // 3, (-(2 ** 100)) % 3)
print(a ^ b, a & b, a | b, a >> 40, b << 70)
print(math.gcd(2 ** 64 - 1, 2 ** 32 - 1), math.isqrt(10 ** 40 + 12345))
print(hex(2 ** 128 - 1), oct(2 ** 70), bin(2 ** 65 + 1))
print(int("1" * 50) * 9 + 9)
print(int("ff" * 20, 16), int("-" + "7" * 30, 8))
print(sum(range(10 ** 6)), 10 ** 30 // 7)
print(abs(-(10 ** 25)), (10 ** 25).to_bytes(11, "big").hex())
print(int.from_bytes(b"\x01\x00\x00\x00\x00\x00\x00\x00\x00", "big"))
print(float(2 ** 80), 2 ** 64 == 18446744073709551616)
print(math.comb(100, 50), math.perm(20, 10))
