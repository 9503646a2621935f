// static-server.mjs — serve one directory over HTTP on 127.0.0.1 (the demo page and the browser
// tests). GET and HEAD only, no directory listings, nothing outside the root, no caching, and the
// MIME types module scripts and WebAssembly need (.mjs text/javascript, .wasm application/wasm).
import http from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * The file a request path names, or null when it points outside the root.
 * @param {string} root absolute directory
 * @param {string} url request URL
 * @returns {Promise<string|null>}
 */
async function fileFor(root, url) {
  let path;
  try {
    path = decodeURIComponent(new URL(url, 'http://localhost').pathname);
  } catch {
    return null;
  }
  const file = resolve(root, `.${path}`);
  if (file !== root && !file.startsWith(root + sep)) return null;
  const info = await stat(file).catch(() => null);
  if (info?.isDirectory()) return join(file, 'index.html');
  return file;
}

/**
 * Serve `root` on http://127.0.0.1:<port>.
 * @param {string} root directory to serve
 * @param {{ port?: number }} [options] port 0 (default) picks a free one
 * @returns {Promise<{ url: string, port: number, close: () => Promise<void> }>}
 */
export async function startStaticServer(root, { port = 0 } = {}) {
  const base = resolve(root);
  const server = http.createServer(async (req, res) => {
    const headers = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...headers, allow: 'GET, HEAD' }).end();
      return;
    }
    const file = await fileFor(base, req.url ?? '/');
    const body = file && (await readFile(file).catch(() => null));
    if (!body) {
      res.writeHead(404, { ...headers, 'content-type': TYPES['.txt'] }).end('not found\n');
      return;
    }
    res.writeHead(200, {
      ...headers,
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'content-length': body.length,
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', fail);
      ok(undefined);
    });
  });
  const actual = /** @type {import('node:net').AddressInfo} */ (server.address()).port;
  return {
    url: `http://127.0.0.1:${actual}`,
    port: actual,
    close: () =>
      new Promise((ok) => {
        server.closeAllConnections();
        server.close(() => ok(undefined));
      }),
  };
}
