# random with a fixed seed: CPython and RustPython both implement the Mersenne Twister.
import random

random.seed(12345)
print([random.randint(1, 100) for _ in range(8)])
print(round(random.random(), 12), random.choice("abcdefg"), random.randrange(0, 1000, 7))
items = list(range(10))
random.shuffle(items)
print(items)
print(random.sample(range(100), 5), random.getrandbits(64))
rng = random.Random(42)
print([rng.randint(0, 9) for _ in range(10)], round(rng.uniform(1, 2), 12))
