// A small static server on 127.0.0.1 for the benchmark: mounts folders under URL prefixes, sends
// correct MIME types, and records every response body it sends (path, raw bytes, and the bytes
// brotli at quality 11 would take — what a static host with precompressed files transfers).
// Files go out uncompressed, so loading time is the same for every engine; the brotli figure is
// computed once per file with Node's zlib.

import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, sep } from "node:path";
import { brotliCompressSync, constants } from "node:zlib";

const MIME = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".webmanifest": "application/manifest+json",
  ".wasm": "application/wasm",
  ".zip": "application/zip",
  ".py": "text/x-python; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".txt": "text/plain; charset=utf-8",
};

const brotliSizes = new Map();

/** Brotli size (quality 11) of a file's bytes, computed once per path. */
export function brotliSize(path, bytes) {
  let size = brotliSizes.get(path);
  if (size === undefined) {
    size = brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
    brotliSizes.set(path, size);
  }
  return size;
}

/**
 * Starts the server. `mounts` maps a URL prefix ("/kiln/") to a folder. Resolves with
 * `{url, log, take(), close()}`: `take()` returns and clears the responses sent since the last call.
 */
export function serve(mounts) {
  let log = [];
  const server = createServer(async (request, response) => {
    const path = decodeURIComponent(new URL(request.url, "http://x").pathname);
    const prefix = Object.keys(mounts).find((p) => path.startsWith(p));
    const base = prefix && normalize(mounts[prefix]);
    const file = prefix && join(base, normalize(path.slice(prefix.length)));
    // Nothing outside the mounted folders (`..` in a path).
    if (!file || (file !== base && !file.startsWith(base + sep))) {
      response.writeHead(404).end();
      return;
    }
    try {
      const info = await stat(file);
      const target = info.isDirectory() ? join(file, "index.html") : file;
      const bytes = await readFile(target);
      log.push({ path, bytes: bytes.length, brotli: brotliSize(target, bytes) });
      response.writeHead(200, {
        "Content-Type": MIME[extname(target)] ?? "application/octet-stream",
        "Content-Length": bytes.length,
        // Cached within a browser context (a worker's second fetch of its glue, a spare worker),
        // never across: every cold sample uses a fresh context.
        "Cache-Control": "max-age=3600",
      });
      response.end(bytes);
    } catch {
      response.writeHead(404, { "Content-Type": "text/plain" }).end(`not found: ${path}`);
    }
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      resolve({
        url: `http://127.0.0.1:${port}`,
        take() {
          const taken = log;
          log = [];
          return taken;
        },
        close: () => new Promise((done) => server.close(done)),
      });
    });
  });
}
