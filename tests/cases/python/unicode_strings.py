# Unicode strings: code points, escapes, normalization, categories, width-independent ops.
import unicodedata

s = "Zürich ☃ 日本語 🐍 café"
print(s, len(s), s.upper(), s[::-1])
print([ord(c) for c in "é☃🐍"], "\u00e9", "\N{SNOWMAN}", "\U0001F40D", chr(0x1F600))
print(ascii(s), repr("\x00\x07\u200b"), "🐍".encode("utf-8"), len("🐍".encode("utf-16-le")))
composed = "é"
decomposed = unicodedata.normalize("NFD", composed)
print(len(composed), len(decomposed), composed == decomposed, unicodedata.normalize("NFC", decomposed) == composed)
print(unicodedata.name("☃"), unicodedata.category("A"), unicodedata.category("1"), unicodedata.lookup("GREEK SMALL LETTER ALPHA"))
print("straße".upper(), "STRASSE".lower(), "straße".casefold() == "STRASSE".casefold())
print("日本語".isalpha(), "١٢٣".isdigit(), "١٢٣".isdecimal(), int("١٢٣"), "Ⅻ".isnumeric(), "x²".isalnum())
print(sorted(["ä", "a", "z", "é", "e"]), "ñ" > "n", max("αβγ"))
words = "Ελληνικά Русский English Español".split()
print([w.lower() for w in words], [len(w) for w in words])
print("🐍🐍🐍".count("🐍"), "a🐍b".index("b"), "😀x"[1], "{:*^9}".format("日本"))
print("TITLE case ünïcode".title(), "ǉ".title(), "ﬁ".upper())
