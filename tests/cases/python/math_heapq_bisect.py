# math, heapq and bisect.
import math
import heapq
import bisect

print(math.pi, math.e, math.tau, math.inf, -math.inf)
print(math.sqrt(2), math.hypot(3, 4), math.exp(1), math.log(100, 10), math.log2(1024), math.log10(0.001))
print(math.sin(0), math.cos(0), round(math.sin(math.pi / 6), 12), math.atan2(1, 1) * 4)
print(math.degrees(math.pi), math.radians(180), math.fabs(-2), math.fmod(7, -3), math.remainder(7, 3))
print(math.floor(2.7), math.ceil(2.1), math.gcd(12, 18, 30), math.lcm(4, 6, 10), math.prod([1, 2, 3, 4]))
print(math.fsum([0.1] * 10), sum([0.1] * 10), math.isqrt(99), math.dist((0, 0), (3, 4)))
print(math.modf(3.75), math.frexp(8.0), math.ldexp(0.5, 4), math.pow(2, 10))

heap = []
for x in [5, 1, 8, 3, 9, 2]:
    heapq.heappush(heap, x)
print(heap[0], [heapq.heappop(heap) for _ in range(3)], sorted(heap))
nums = [7, 2, 9, 4, 1, 8]
heapq.heapify(nums)
print(nums[0], heapq.nsmallest(3, [7, 2, 9, 4, 1, 8]), heapq.nlargest(2, [7, 2, 9, 4, 1, 8]))
print(heapq.nlargest(2, ["apple", "fig", "banana"], key=len))
tasks = [(3, "low"), (1, "urgent"), (2, "normal")]
heapq.heapify(tasks)
print([heapq.heappop(tasks)[1] for _ in range(3)])
print(list(heapq.merge([1, 4, 7], [2, 5, 8], [0, 9])), heapq.heappushpop([1, 5], 3))

xs = [1, 3, 3, 3, 5, 8]
print(bisect.bisect_left(xs, 3), bisect.bisect_right(xs, 3), bisect.bisect(xs, 4), bisect.bisect_left(xs, 0))
bisect.insort(xs, 4)
bisect.insort_left(xs, 3)
print(xs)


def grade(score, breakpoints=(60, 70, 80, 90), grades="FDCBA"):
    return grades[bisect.bisect(breakpoints, score)]


print([grade(s) for s in [33, 99, 77, 70, 89, 90, 100]])
print(bisect.bisect_left([("a", 1), ("c", 3)], ("b", 0)), bisect.bisect([10, 20], 15, key=None))
