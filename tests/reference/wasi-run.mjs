// Reference runner for the WAT differential corpus: runs a compiled .wasm file as a WASI preview1
// command under Node's built-in `node:wasi`, the way `kiln run FILE.wat` is expected to behave.
//
//   node --no-warnings tests/reference/wasi-run.mjs FILE.wasm
//
// - argv is [basename(FILE)], the environment is empty, stdin/stdout/stderr are inherited (fds 0/1/2).
// - Exit status: the `_start` return (0) or the `proc_exit` code; a trap (or any other error while
//   instantiating/running) prints `Name: message` to stderr and exits with 1, matching the
//   `kiln run` contract for uncaught errors.
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import process from 'node:process';
import { WASI } from 'node:wasi';

const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: node --no-warnings wasi-run.mjs FILE.wasm\n');
  process.exit(2);
}

let code;
try {
  const wasi = new WASI({
    version: 'preview1',
    args: [basename(file)],
    env: {},
    stdin: 0,
    stdout: 1,
    stderr: 2,
    returnOnExit: true,
  });
  const module = await WebAssembly.compile(await readFile(file));
  const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
  code = wasi.start(instance);
} catch (e) {
  process.stderr.write(`${e && e.name ? e.name : 'Error'}: ${e && e.message ? e.message : String(e)}\n`);
  code = 1;
}
process.exit(code ?? 0);
