//! The examples gallery: small workspaces per language, from a first program to a multi-file
//! project, to start from. Each is run by `cargo test -p kiln-app` only as data (it loads into a
//! workspace); the e2e tests run some of them in the browsers.

use crate::state::Language;

/// How far along a learner should be for an example.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// A first program.
    Beginner,
    /// Functions, collections, loops.
    Intermediate,
    /// Classes, modules, memory, several files.
    Advanced,
}

impl Level {
    /// Its name in the gallery.
    #[must_use]
    pub fn title(self) -> &'static str {
        match self {
            Level::Beginner => "Beginner",
            Level::Intermediate => "Intermediate",
            Level::Advanced => "Advanced",
        }
    }
}

/// One example workspace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Template {
    /// Stable id (used by actions and tests).
    pub id: &'static str,
    /// Its language.
    pub language: Language,
    /// How hard it is.
    pub level: Level,
    /// Its name in the gallery.
    pub title: &'static str,
    /// One line on what it shows.
    pub summary: &'static str,
    /// Path and text of each file.
    pub files: &'static [(&'static str, &'static str)],
    /// The file opened in the editor.
    pub open: &'static str,
}

/// The template a new workspace starts from.
pub const DEFAULT: &str = "py-hello";

/// The template with this id.
#[must_use]
pub fn find(id: &str) -> Option<&'static Template> {
    ALL.iter().find(|t| t.id == id)
}

/// Every template, grouped by language, easiest first.
pub const ALL: &[Template] = &[
    Template {
        id: "py-hello",
        language: Language::Python,
        level: Level::Beginner,
        title: "Hello, Python",
        summary: "print, variables and an f-string",
        files: &[(
            "main.py",
            "name = \"Kiln\"\nprint(f\"Hello from {name}!\")\n\nfor i in range(1, 4):\n    print(i, \"squared is\", i * i)\n",
        )],
        open: "main.py",
    },
    Template {
        id: "py-words",
        language: Language::Python,
        level: Level::Intermediate,
        title: "Counting words",
        summary: "functions, dictionaries and sorting",
        files: &[(
            "main.py",
            "TEXT = \"\"\"the quick brown fox jumps over the lazy dog\nthe dog sleeps and the fox runs\"\"\"\n\n\ndef count_words(text):\n    counts = {}\n    for word in text.split():\n        counts[word] = counts.get(word, 0) + 1\n    return counts\n\n\ncounts = count_words(TEXT)\nfor word, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:5]:\n    print(f\"{word:>6} {'#' * n} {n}\")\n",
        )],
        open: "main.py",
    },
    Template {
        id: "py-project",
        language: Language::Python,
        level: Level::Advanced,
        title: "A small project (several files)",
        summary: "classes in a module of their own, imported by main.py",
        files: &[
            (
                "main.py",
                "from shapes import Circle, Square\n\nshapes = [Circle(1.5), Square(2), Circle(0.5)]\nfor shape in sorted(shapes, key=lambda s: s.area()):\n    print(f\"{shape!r:<16} area {shape.area():7.3f}\")\n\ntotal = sum(s.area() for s in shapes)\nprint(f\"total area: {total:.3f}\")\n",
            ),
            (
                "shapes.py",
                "import math\n\n\nclass Shape:\n    def area(self):\n        raise NotImplementedError\n\n\nclass Circle(Shape):\n    def __init__(self, radius):\n        self.radius = radius\n\n    def area(self):\n        return math.pi * self.radius ** 2\n\n    def __repr__(self):\n        return f\"Circle({self.radius})\"\n\n\nclass Square(Shape):\n    def __init__(self, side):\n        self.side = side\n\n    def area(self):\n        return self.side ** 2\n\n    def __repr__(self):\n        return f\"Square({self.side})\"\n",
            ),
        ],
        open: "main.py",
    },
    Template {
        id: "js-hello",
        language: Language::Js,
        level: Level::Beginner,
        title: "Hello, JavaScript",
        summary: "console.log, template strings and a loop",
        files: &[(
            "main.js",
            "const name = \"Kiln\";\nconsole.log(`Hello from ${name}!`);\n\nfor (let i = 1; i <= 3; i++) {\n  console.log(i, \"squared is\", i * i);\n}\n",
        )],
        open: "main.js",
    },
    Template {
        id: "js-data",
        language: Language::Js,
        level: Level::Intermediate,
        title: "Arrays and objects",
        summary: "map, filter, reduce and destructuring",
        files: &[(
            "main.js",
            "const scores = [\n  { name: \"Ada\", points: 92 },\n  { name: \"Linus\", points: 78 },\n  { name: \"Grace\", points: 88 },\n];\n\nconst passed = scores.filter(({ points }) => points >= 80).map(({ name }) => name);\nconst average = scores.reduce((sum, s) => sum + s.points, 0) / scores.length;\n\nconsole.log(\"passed:\", passed);\nconsole.log(\"average:\", average.toFixed(1));\nconsole.log({ best: scores.toSorted((a, b) => b.points - a.points)[0] });\n",
        )],
        open: "main.js",
    },
    Template {
        id: "js-project",
        language: Language::Js,
        level: Level::Advanced,
        title: "Modules and async (several files)",
        summary: "an ES module imported by main.js, a class and promises",
        files: &[
            (
                "main.js",
                "import { Queue, delay } from \"./queue.js\";\n\nconst queue = new Queue();\nfor (const job of [\"fetch\", \"parse\", \"save\"]) queue.push(job);\n\nasync function work() {\n  while (queue.size > 0) {\n    const job = queue.shift();\n    await delay(10);\n    console.log(`done: ${job}`);\n  }\n  return \"all jobs finished\";\n}\n\nwork().then((message) => console.log(message));\n",
            ),
            (
                "queue.js",
                "export class Queue {\n  #items = [];\n  push(item) {\n    this.#items.push(item);\n  }\n  shift() {\n    return this.#items.shift();\n  }\n  get size() {\n    return this.#items.length;\n  }\n}\n\nexport const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));\n",
            ),
        ],
        open: "main.js",
    },
    Template {
        id: "wat-add",
        language: Language::Wasm,
        level: Level::Beginner,
        title: "WebAssembly text: hello",
        summary: "a module that prints through WASI's fd_write",
        files: &[(
            "hello.wat",
            ";; A WASI program: _start writes a message to stdout (file descriptor 1).\n(module\n  (import \"wasi_snapshot_preview1\" \"fd_write\"\n    (func $fd_write (param i32 i32 i32 i32) (result i32)))\n  (memory (export \"memory\") 1)\n  (data (i32.const 16) \"Hello from WebAssembly!\\n\")\n  (func (export \"_start\")\n    ;; one iovec at address 0: where the text is, and how long\n    (i32.store (i32.const 0) (i32.const 16))\n    (i32.store (i32.const 4) (i32.const 24))\n    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))\n",
        )],
        open: "hello.wat",
    },
    Template {
        id: "wat-loop",
        language: Language::Wasm,
        level: Level::Intermediate,
        title: "WebAssembly text: a loop",
        summary: "locals, a loop and digits written to memory",
        files: &[(
            "count.wat",
            ";; Prints 1 to 5, one per line: numbers to text by hand.\n(module\n  (import \"wasi_snapshot_preview1\" \"fd_write\"\n    (func $fd_write (param i32 i32 i32 i32) (result i32)))\n  (memory (export \"memory\") 1)\n\n  ;; writes the digit of $n and a newline at address 100, then prints those 2 bytes\n  (func $print_digit (param $n i32)\n    (i32.store8 (i32.const 100) (i32.add (i32.const 48) (local.get $n)))\n    (i32.store8 (i32.const 101) (i32.const 10))\n    (i32.store (i32.const 0) (i32.const 100))\n    (i32.store (i32.const 4) (i32.const 2))\n    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))\n\n  (func (export \"_start\")\n    (local $i i32)\n    (local.set $i (i32.const 1))\n    (loop $next\n      (call $print_digit (local.get $i))\n      (local.set $i (i32.add (local.get $i) (i32.const 1)))\n      (br_if $next (i32.le_u (local.get $i) (i32.const 5)))))\n)\n",
        )],
        open: "count.wat",
    },
    Template {
        id: "wat-wasi-file",
        language: Language::Wasm,
        level: Level::Advanced,
        title: "WASI: reading a workspace file",
        summary: "path_open and fd_read on a file beside the program, copied to stdout",
        files: &[
            (
                "cat.wat",
                ";; Opens notes.txt from the workspace (preopened directory 3) and copies it to stdout.\n(module\n  (import \"wasi_snapshot_preview1\" \"path_open\"\n    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))\n  (import \"wasi_snapshot_preview1\" \"fd_read\"\n    (func $fd_read (param i32 i32 i32 i32) (result i32)))\n  (import \"wasi_snapshot_preview1\" \"fd_write\"\n    (func $fd_write (param i32 i32 i32 i32) (result i32)))\n  (import \"wasi_snapshot_preview1\" \"proc_exit\" (func $exit (param i32)))\n  (memory (export \"memory\") 1)\n  (data (i32.const 200) \"notes.txt\")\n  (data (i32.const 300) \"cannot open notes.txt\\n\")\n\n  (func (export \"_start\")\n    (local $fd i32)\n    (local $n i32)\n    ;; path_open(dirfd 3, lookup flags 0, path, len 9, oflags 0, rights (read), 0, fdflags 0, result at 20)\n    (if (call $path_open (i32.const 3) (i32.const 0) (i32.const 200) (i32.const 9)\n          (i32.const 0) (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 20))\n      (then\n        (i32.store (i32.const 0) (i32.const 300))\n        (i32.store (i32.const 4) (i32.const 22))\n        (drop (call $fd_write (i32.const 2) (i32.const 0) (i32.const 1) (i32.const 8)))\n        (call $exit (i32.const 1))))\n    (local.set $fd (i32.load (i32.const 20)))\n    ;; one iovec at 0: a 4 KiB buffer at 1024\n    (i32.store (i32.const 0) (i32.const 1024))\n    (i32.store (i32.const 4) (i32.const 4096))\n    (loop $more\n      (drop (call $fd_read (local.get $fd) (i32.const 0) (i32.const 1) (i32.const 8)))\n      (local.set $n (i32.load (i32.const 8)))\n      (if (local.get $n)\n        (then\n          (i32.store (i32.const 12) (i32.const 1024))\n          (i32.store (i32.const 16) (local.get $n))\n          (drop (call $fd_write (i32.const 1) (i32.const 12) (i32.const 1) (i32.const 8)))\n          (br $more)))))\n)\n",
            ),
            (
                "notes.txt",
                "These lines live in notes.txt, a file of the workspace.\nThe WebAssembly program read them through WASI.\n",
            ),
        ],
        open: "cat.wat",
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_has_every_level_and_ids_are_unique() {
        for language in Language::ALL {
            for level in [Level::Beginner, Level::Intermediate, Level::Advanced] {
                assert!(
                    ALL.iter()
                        .any(|t| t.language == language && t.level == level),
                    "{language:?} {level:?}"
                );
            }
        }
        let mut ids: Vec<&str> = ALL.iter().map(|t| t.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), ALL.len());
        assert!(find(DEFAULT).is_some());
        assert!(ALL.iter().any(|t| t.files.len() > 1));
    }

    #[test]
    fn each_opens_one_of_its_own_files_in_its_language() {
        for t in ALL {
            assert!(t.files.iter().any(|(p, _)| *p == t.open), "{}", t.id);
            assert_eq!(Language::of_path(t.open), Some(t.language), "{}", t.id);
        }
    }
}
