# kiln: compare=stdout,exit
# An uncaught exception: stdout before it is kept, traceback on stderr, exit status 1.
def divide(a, b):
    return a / b


print("about to fail")
results = [divide(10, n) for n in (5, 2)]
print(results)
divide(1, 0)
print("not reached")
