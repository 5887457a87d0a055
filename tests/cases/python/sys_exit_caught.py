# SystemExit is an exception: catching it, exit(None) and exit with a string message.
import sys

try:
    sys.exit(5)
except SystemExit as e:
    print("caught SystemExit", e.code)
try:
    sys.exit()
except SystemExit as e:
    print("no-arg code", e.code)
print("exiting with status 0 via sys.exit(0)")
sys.exit(0)
