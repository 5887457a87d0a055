# Recursion: naive fib(20), mutual recursion, Ackermann, permutations, Hanoi.
def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


print([fib(i) for i in range(15)], fib(20))


def is_even(n):
    return True if n == 0 else is_odd(n - 1)


def is_odd(n):
    return False if n == 0 else is_even(n - 1)


print(is_even(100), is_odd(77))


def ackermann(m, n):
    if m == 0:
        return n + 1
    if n == 0:
        return ackermann(m - 1, 1)
    return ackermann(m - 1, ackermann(m, n - 1))


print(ackermann(2, 3), ackermann(3, 3))


def perms(xs):
    if len(xs) <= 1:
        return [xs]
    return [[x] + p for i, x in enumerate(xs) for p in perms(xs[:i] + xs[i + 1:])]


print(perms([1, 2, 3]))

moves = []


def hanoi(n, src, dst, via):
    if n:
        hanoi(n - 1, src, via, dst)
        moves.append((src, dst))
        hanoi(n - 1, via, dst, src)


hanoi(5, "A", "C", "B")
print(len(moves), moves[:4])


def depth(n):
    return 0 if n == 0 else 1 + depth(n - 1)


print(depth(500))
