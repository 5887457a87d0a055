# sys.exit(3): finally blocks run, output is flushed, the exit status is 3.
import sys

print("before exit")
try:
    sys.exit(3)
finally:
    print("finally runs during exit")
print("never printed")
