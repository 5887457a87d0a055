# unittest: run a TestCase through TextTestRunner into a StringIO and print only the summary.
import io
import unittest


def add(a, b):
    return a + b


class AddTests(unittest.TestCase):
    def setUp(self):
        self.base = 10

    def test_ints(self):
        self.assertEqual(add(2, 3), 5)

    def test_strings(self):
        self.assertEqual(add("a", "b"), "ab")

    def test_with_setup(self):
        self.assertTrue(add(self.base, 1) > self.base)

    def test_raises(self):
        with self.assertRaises(TypeError):
            add(1, "x")

    def test_almost(self):
        self.assertAlmostEqual(add(0.1, 0.2), 0.3)

    def test_subtests(self):
        for i in range(3):
            with self.subTest(i=i):
                self.assertIn(i, [0, 1, 2])

    def test_intentional_failure(self):
        self.assertEqual(add(1, 1), 3)

    @unittest.skip("demonstrating skip")
    def test_skipped(self):
        pass


stream = io.StringIO()
suite = unittest.defaultTestLoader.loadTestsFromTestCase(AddTests)
print("tests found:", suite.countTestCases())
result = unittest.TextTestRunner(stream=stream, verbosity=0).run(suite)
print("successful:", result.wasSuccessful())
print("run:", result.testsRun, "failures:", len(result.failures), "errors:", len(result.errors), "skipped:", len(result.skipped))
print("failed test:", result.failures[0][0].id().split(".")[-1])
print("assertion message:", result.failures[0][1].strip().splitlines()[-1])
