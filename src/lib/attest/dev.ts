/**
 * Persistence of the devnet's dev attestation roots under `<home>/devnet/dev-attestation/roots.json`
 * (private keys included: devnet-only material, file mode 0600). Created with the devnet home — the devnet
 * start calls {@link ensureDevRoots} — or on first `attest collect --dev`.
 */
import {generateKeyPairSync, randomBytes} from 'node:crypto';
import {existsSync, mkdirSync, readFileSync, renameSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {devRootPins, generateDevRoots, parseDevRoots, serializeDevRoots, type DevCrypto, type DevRoots} from '../../attest/dev/roots.js';
import {OperationError} from '../errors.js';

/** node:crypto as the entropy source of dev attestation (key pairs and random bytes). */
export const nodeDevCrypto: DevCrypto = {
  random: (n) => Uint8Array.from(randomBytes(n)),
  ecKeyPair: (curve) => generateKeyPairSync('ec', {namedCurve: curve}),
};

/** Directory of the dev attestation material of a home. */
export function devAttestationDir(home: string): string {
  return path.join(home, 'devnet', 'dev-attestation');
}

function rootsFile(home: string): string {
  return path.join(devAttestationDir(home), 'roots.json');
}

/** The home's dev roots, or undefined when it has none. */
export function loadDevRoots(home: string): DevRoots | undefined {
  const f = rootsFile(home);
  if (!existsSync(f)) return undefined;
  try {
    return parseDevRoots(readFileSync(f, 'utf8'), nodeDevCrypto);
  } catch (e) {
    throw new OperationError(`dev attestation roots in ${f} are unreadable: ${e instanceof Error ? e.message : String(e)}`, {
      code: 'DEV_ROOTS_INVALID',
      suggestion: `remove ${devAttestationDir(home)} to create new ones (dev evidence made with the old roots stops verifying)`,
    });
  }
}

/** SHA-256 pins of the home's dev roots ([] when none). Cheap: reads the stored pins after checking the file. */
export function devRootPinsOf(home: string): string[] {
  const r = loadDevRoots(home);
  return r ? devRootPins(r).all : [];
}

/** Loads the home's dev roots, creating and persisting them first when absent. */
export function ensureDevRoots(home: string, now: number = Math.floor(Date.now() / 1000)): {roots: DevRoots; created: boolean; dir: string} {
  const existing = loadDevRoots(home);
  const dir = devAttestationDir(home);
  if (existing) return {roots: existing, created: false, dir};
  const roots = generateDevRoots({now, crypto: nodeDevCrypto});
  mkdirSync(dir, {recursive: true, mode: 0o700});
  const f = rootsFile(home);
  const tmp = `${f}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(serializeDevRoots(roots), null, 2) + '\n', {mode: 0o600});
  renameSync(tmp, f);
  return {roots, created: true, dir};
}
