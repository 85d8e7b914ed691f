import { protocol } from 'electron';
import * as fs from 'fs';
import * as path from 'path';

/**
 * The window's page is served from `lockstep://app/…`, not `file://`: under `file://` the page's CSP
 * `'self'` covers every local file, so it could `fetch('file:///etc/hostname')`. Here `'self'` is the app's own
 * bundle only, and the handler serves files of the renderer folder and nothing else (no `..`, no links out).
 */

export const APP_SCHEME = 'lockstep';
export const APP_ORIGIN = `${APP_SCHEME}://app`;
export const APP_INDEX = `${APP_ORIGIN}/index.html`;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.map': 'application/json',
};

/** Call before the app is ready: the scheme is a standard, secure origin for the page. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
}

/** The file under `root` a `lockstep://app/…` URL names, or null (another host, outside the folder, missing). */
export function appFileFor(url: string, root: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.protocol !== `${APP_SCHEME}:` || u.host !== 'app') return null;
  let rel: string;
  try {
    rel = decodeURIComponent(u.pathname);
  } catch {
    return null;
  }
  const file = path.resolve(root, `.${rel === '/' ? '/index.html' : rel}`);
  const realRoot = fs.realpathSync(root);
  let real: string;
  try {
    real = fs.realpathSync(file);
  } catch {
    return null;
  }
  const inside = path.relative(realRoot, real);
  if (inside.startsWith('..') || path.isAbsolute(inside) || !fs.statSync(real).isFile()) return null;
  return real;
}

/** Call once the app is ready: serves the renderer folder `root` under lockstep://app/. */
export function serveApp(root: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const file = appFileFor(request.url, root);
    if (!file) return new Response('Not found', { status: 404 });
    const type = TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
    return new Response(fs.readFileSync(file), { headers: { 'content-type': type } });
  });
}
