# Output to both streams: stdout and stderr are compared separately.
import sys

print("to stdout")
print("to stderr", file=sys.stderr)
sys.stdout.write("written without newline|")
sys.stdout.write("\n")
sys.stderr.write("warning: something\n")
print("a", "b", sep="", end="!\n")
print()
print("tab\tand unicode é")
