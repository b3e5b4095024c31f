// Tandem's service worker: keeps the app shell available offline so an open or
// recently opened document still loads without a network (its content comes
// from IndexedDB, see CollabDocument). API and socket traffic is never cached.
const CACHE = 'tandem-shell-v1';

/** The shell: index.html and the hashed assets it references. */
async function cacheShell() {
  const cache = await caches.open(CACHE);
  const response = await fetch('/', { cache: 'no-store' });
  if (!response.ok) return;
  const html = await response.clone().text();
  await cache.put('/', response);
  const assets = [...html.matchAll(/(?:src|href)="(\/(?:assets\/[^"]+|favicon\.svg))"/g)].map((m) => m[1]);
  await cache.addAll(assets);
}

self.addEventListener('install', (event) => {
  event.waitUntil(cacheShell().then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) if (key !== CACHE) await caches.delete(key);
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/api/') || url.pathname.startsWith('/socket.io/') || url.pathname === '/healthz') return;

  if (event.request.mode === 'navigate') {
    // Network first, so a new version shows as soon as it is deployed; the cached shell when offline.
    event.respondWith(
      (async () => {
        try {
          const response = await fetch(event.request);
          if (response.ok) (await caches.open(CACHE)).put('/', response.clone());
          return response;
        } catch {
          return (await caches.match('/')) ?? Response.error();
        }
      })(),
    );
    return;
  }

  if (url.pathname.startsWith('/assets/') || url.pathname === '/favicon.svg') {
    // Hashed file names never change content: cache first.
    event.respondWith(
      (async () => {
        const cached = await caches.match(event.request);
        if (cached) return cached;
        const response = await fetch(event.request);
        if (response.ok) (await caches.open(CACHE)).put(event.request, response.clone());
        return response;
      })(),
    );
  }
});
