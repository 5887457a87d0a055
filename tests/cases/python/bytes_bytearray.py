# bytes, bytearray, encoding/decoding, struct.
import struct

b = b"hello \x00\xff"
print(b, len(b), b[0], b[-1], b[1:3], list(b[:3]), b.hex(), b.hex(":"))
print(bytes([65, 66, 67]), bytes(3), bytes.fromhex("de ad be ef"), b"ab" * 3, b"x" + b"y")
print(b"a,b,c".split(b","), b"  x ".strip(), b"abc".upper(), b"hello".find(b"l"), b"hello".replace(b"l", b"L"))
s = "héllo wörld ☃"
enc = s.encode("utf-8")
print(enc, len(s), len(enc), enc.decode("utf-8") == s)
print(s.encode("latin-1", errors="replace"), s.encode("ascii", errors="ignore"), s.encode("ascii", errors="backslashreplace"))
print(b"\xff\xfe".decode("utf-8", errors="replace"), "é".encode("utf-16-le"), "A".encode("utf-32-be"))
try:
    b"\xff".decode("utf-8")
except UnicodeDecodeError as e:
    print("UnicodeDecodeError", e.start, e.end, e.reason)
ba = bytearray(b"abc")
ba.append(100)
ba.extend(b"ef")
ba[0] = 65
ba.insert(1, 0x5F)
del ba[2]
print(ba, ba.pop(), bytes(ba), ba.decode(), ba.count(b"e"))
ba.reverse()
print(ba, bytearray(4), bytearray("ü", "utf-8"))
packed = struct.pack("<iHb3s", -2, 65535, 7, b"xyz")
print(packed, struct.unpack("<iHb3s", packed), struct.calcsize("<iHb3s"), struct.calcsize("@iq"))
print(struct.pack(">d", 1.5).hex(), struct.unpack(">I", b"\x00\x00\x01\x00")[0])
print(int.from_bytes(b"\x01\x02", "little"), (1024).to_bytes(2, "big"), (-1).to_bytes(2, "big", signed=True))
print(b"abc" < b"abd", b"a" in b"cat", bytes(range(65, 70)), memoryview(b"xyz")[1])
print(repr(b"'"), repr(b'"'), repr(b"\t\n\r\x7f"))
