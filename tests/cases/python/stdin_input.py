# input() and sys.stdin: reads the sibling .stdin file; handles EOF.
import sys

name = input("Name? ")
count = int(input())
print(f"Hello, {name}! count={count}")
numbers = [int(x) for x in input().split()]
print("sum", sum(numbers), "max", max(numbers))
rest = sys.stdin.read()
lines = rest.splitlines()
print("remaining lines:", len(lines))
for i, line in enumerate(lines, 1):
    print(i, line[::-1])
try:
    input()
except EOFError:
    print("EOF reached")
