/**
 * Node's `http` and `https` modules, loaded with `require`; `https` (which loads `tls`) on first use, so a module
 * that only may need it — the LCD client of a node on plain `http://` — does not load TLS on the start-up path.
 *
 * An ES `import` of a built-in module builds its whole export list, reading every export once. Node 22's `http`
 * exports `WebSocket`, `CloseEvent` and `MessageEvent` as lazy getters backed by its bundled undici, so an ES import
 * of `node:http` (or of `node:https`, which loads it) compiles and runs undici — about 70–130 ms on these machines —
 * even when nothing uses those classes. `require` leaves the getters untouched. Every module of the CLI takes the
 * two modules from here; `import type` of their types is free. (`node-crypto.ts` does the same for `crypto`.)
 */
import module from 'node:module';

const require = module.createRequire(import.meta.url);

export const http = require('node:http') as typeof import('node:http');
/** Node's `https` module (loaded on the first call). */
export function https(): typeof import('node:https') {
  return require('node:https') as typeof import('node:https');
}
