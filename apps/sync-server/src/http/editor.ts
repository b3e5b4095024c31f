import fs from 'node:fs';
import path from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import sirv from 'sirv';

/**
 * The editor pages' Content-Security-Policy: only our own scripts run (the built editor has
 * no inline script), the page talks only to this server (`'self'` covers the same-origin
 * WebSocket), and nobody frames it. Styles allow `'unsafe-inline'` for the style attributes
 * ProseMirror, y-prosemirror's carets and Svelte set; style elements still must be ours.
 * Images show from `blob:` object URLs of bytes fetched with the token in a header.
 */
export const EDITOR_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "style-src-elem 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "worker-src 'self'",
  "manifest-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Serves the built editor: hashed assets with long caching, and index.html for
 * every app route (`/`, `/auth`, `/trash`, `/d/<id>`) so the client-side router takes over.
 */
export function createEditorHandler(staticDir: string): (req: IncomingMessage, res: ServerResponse) => void {
  const indexFile = path.join(staticDir, 'index.html');
  if (!fs.existsSync(indexFile)) {
    throw new Error(`the editor is not built: ${indexFile} is missing (run "npm run build")`);
  }
  const assets = sirv(staticDir, {
    dev: false,
    etag: true,
    gzip: false,
    setHeaders: (res, pathname) => {
      if (pathname.startsWith('/assets/')) res.setHeader('cache-control', 'public, max-age=31536000, immutable');
      else res.setHeader('cache-control', 'no-cache');
    },
  });
  return (req, res) => {
    res.setHeader('content-security-policy', EDITOR_CSP);
    assets(req, res, () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (
        (req.method === 'GET' || req.method === 'HEAD') &&
        (['/', '/auth', '/trash'].includes(url.pathname) || url.pathname.startsWith('/d/'))
      ) {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' });
        if (req.method === 'HEAD') res.end();
        else fs.createReadStream(indexFile).pipe(res);
        return;
      }
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('Not found');
    });
  };
}
