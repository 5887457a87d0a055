// Kiln's service worker (registered by embed.js): offline use, one version at a time.
//
// - Install precaches the app shell (SHELL: pages, embed.js, worker.js, the cell UI, the editor,
//   the runtimes' JS glue, the manifest and icons) into a cache named after the build.
// - Everything else under the scope (the runtimes' wasm, Python's library index and its
//   precompiled units, which the Python worker prefetches in parallel before a run) is cached the
//   first time it is used, and then served from the cache, so a page visited once works offline.
// - `cargo xtask build` writes BUILD (a hash of dist/'s files) and the lists below, so a new
//   deployment is a new sw.js: it installs beside the old one and waits until no page uses the
//   old version (no mixed versions inside a page), then deletes the old caches on activate.
// - A runtime fetched from the network must be the size this build expects; if it is not (a newer
//   deployment is on the server while this page still runs the old one) the fetch fails with 409
//   and an update is started, instead of pairing new wasm with old glue.
// - Pages may also post {type: "cache", urls} to have already-loaded files cached (embed.js does
//   so when this worker first takes control of a page).
const BUILD = "dev";
const SHELL = [];
const SIZES = {};
const CACHE = `kiln-${BUILD}`;
const scope = new URL(self.registration.scope);
const relative = (url) => (url.startsWith(scope.href) ? url.slice(scope.href.length).split(/[?#]/)[0] : null);

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL.map((p) => new Request(new URL(p, scope), { cache: "reload" })))));
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) if (name.startsWith("kiln-") && name !== CACHE) await caches.delete(name);
    await self.clients.claim();
  })());
});

async function fromNetwork(request, path) {
  const response = await fetch(request);
  if (!response.ok || response.type !== "basic") return response;
  const expected = SIZES[path];
  if (expected != null) {
    const body = await response.clone().arrayBuffer();
    if (body.byteLength !== expected) {
      self.registration.update();
      return new Response("Kiln was updated on the server: reload the page\n", { status: 409, headers: { "Content-Type": "text/plain" } });
    }
  }
  const cache = await caches.open(CACHE);
  await cache.put(path === "" ? new URL("index.html", scope).href : request.url.split("#")[0], response.clone());
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const path = relative(request.url);
  if (request.method !== "GET" || path == null) return;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    const key = path === "" ? new URL("index.html", scope).href : request.url;
    // worker.js?lang=… is one file; other queries are kept apart.
    const hit = await cache.match(key, { ignoreSearch: path === "worker.js" });
    // A fresh Response carries no URL of its own: the worker keeps its `?lang=…` address.
    if (hit) return path === "worker.js" ? new Response(hit.body, hit) : hit;
    try {
      return await fromNetwork(request, path);
    } catch (err) {
      return new Response(`offline, and ${path} was never cached\n`, { status: 503, headers: { "Content-Type": "text/plain" } });
    }
  })());
});

self.addEventListener("message", (event) => {
  const urls = event.data?.type === "cache" ? event.data.urls : [];
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    for (const url of urls) {
      const path = relative(String(url));
      if (path == null || (await cache.match(url))) continue;
      try {
        await fromNetwork(new Request(url), path);
      } catch {}
    }
  })());
});
