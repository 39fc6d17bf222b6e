/**
 * Node's `crypto` module, loaded with `require`: an ES import builds its whole export list, and reading `webcrypto`,
 * `subtle` and `getRandomValues` loads Web Crypto (about 4 ms here) though nothing here uses it (see
 * `node-http.ts`). The modules on the start-up path of the chain commands and `chat` take it from here; `import
 * type` of its types is free.
 */
import module from 'node:module';

const require = module.createRequire(import.meta.url);

export const nodeCrypto = require('node:crypto') as typeof import('node:crypto');
