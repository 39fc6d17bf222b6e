/**
 * Secrets sealed with a passphrase, for the key store (mnemonics and API keys): scrypt derives a 256-bit key,
 * AES-256-GCM encrypts, and the record's identifying fields (a key's `name`, `address` and `pubkey`; an API key's
 * hash) are authenticated as AES-GCM additional data — a file whose address was changed no longer opens.
 *
 * Sealed blobs carry their scrypt parameters; they are read back only within {@link SCRYPT_BOUNDS}, so a crafted
 * file can neither make decryption trivially cheap to brute-force nor exhaust memory. A 16-byte check value
 * (HMAC-SHA-256 of a fixed label under the derived key) tells a wrong passphrase from an altered file.
 *
 * Version 1 blobs (written before additional data existed) still open, without the field check; callers re-seal
 * them as version 2 on their next write ({@link UnsealResult.legacy}).
 */
import {OperationError, UsageError} from '../errors.js';

/**
 * Node's crypto module, loaded when a secret is sealed or opened: loading it takes some twenty internal modules,
 * which commands that only read key metadata (`keys list`, `keys show`) would otherwise pay on every start.
 */
export function nodeCrypto(): typeof import('node:crypto') {
  return process.getBuiltinModule('node:crypto');
}

/** What {@link seal} writes. Binary fields are base64. */
export interface SealedBlob {
  /** 2 = additional data + check value; absent or 1 = legacy (no additional data). */
  v?: 1 | 2;
  kdf: 'scrypt';
  n: number;
  r: number;
  p: number;
  salt: string;
  cipher: 'aes-256-gcm';
  iv: string;
  tag: string;
  ciphertext: string;
  /** Version 2: HMAC-SHA-256(derived key, {@link CHECK_LABEL}), first 16 bytes. */
  check?: string;
}

/** scrypt parameters of new blobs (N = 2^15, r = 8, p = 1: about 32 MiB and 0.1 s). */
export const SCRYPT_DEFAULTS = {n: 1 << 15, r: 8, p: 1} as const;

/** Accepted scrypt parameters when reading: N a power of two in [2^14, 2^20], r in [8, 16], p in [1, 4]. */
export const SCRYPT_BOUNDS = {minN: 1 << 14, maxN: 1 << 20, minR: 8, maxR: 16, minP: 1, maxP: 4} as const;

const KEY_BYTES = 32;
const SALT_BYTES = 16;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const CHECK_BYTES = 16;
const CHECK_LABEL = 'secretai/sealed/v2/check';

/** The additional data of a record: its fields as canonical JSON (sorted keys), UTF-8. */
export function sealedAad(fields: Record<string, string>): Buffer {
  const sorted = Object.fromEntries(Object.keys(fields).sort().map((k) => [k, fields[k]]));
  return Buffer.from(JSON.stringify(sorted), 'utf8');
}

function corrupt(what: string, detail: string): OperationError {
  return new OperationError(`${what}: ${detail}`, {code: 'KEY_FILE_CORRUPT', suggestion: 'restore the file from a backup, or recreate it'});
}

/** Checks scrypt parameters against {@link SCRYPT_BOUNDS}; throws KEY_FILE_CORRUPT naming `what`. */
export function checkScryptParams(b: Pick<SealedBlob, 'n' | 'r' | 'p'>, what: string): void {
  const {n, r, p} = b;
  const B = SCRYPT_BOUNDS;
  const int = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x);
  if (!int(n) || n < B.minN || n > B.maxN || (n & (n - 1)) !== 0) throw corrupt(what, `scrypt N=${String(n)} is outside the accepted range (a power of two from 2^14 to 2^20)`);
  if (!int(r) || r < B.minR || r > B.maxR) throw corrupt(what, `scrypt r=${String(r)} is outside ${B.minR}-${B.maxR}`);
  if (!int(p) || p < B.minP || p > B.maxP) throw corrupt(what, `scrypt p=${String(p)} is outside ${B.minP}-${B.maxP}`);
}

function derive(passphrase: string, salt: Buffer, b: Pick<SealedBlob, 'n' | 'r' | 'p'>): Buffer {
  return nodeCrypto().scryptSync(passphrase, salt, KEY_BYTES, {N: b.n, r: b.r, p: b.p, maxmem: 256 * b.n * b.r + 16 * 1024 * 1024});
}

function checkValue(key: Buffer): Buffer {
  return nodeCrypto().createHmac('sha256', key).update(CHECK_LABEL).digest().subarray(0, CHECK_BYTES);
}

/** Encrypts `plaintext` under `passphrase`, authenticating `aad` (see {@link sealedAad}). */
export function seal(plaintext: string, passphrase: string, aad: Uint8Array): SealedBlob {
  const salt = nodeCrypto().randomBytes(SALT_BYTES);
  const key = derive(passphrase, salt, SCRYPT_DEFAULTS);
  const iv = nodeCrypto().randomBytes(IV_BYTES);
  const c = nodeCrypto().createCipheriv('aes-256-gcm', key, iv);
  c.setAAD(aad);
  const ct = Buffer.concat([c.update(plaintext, 'utf8'), c.final()]);
  return {
    v: 2,
    kdf: 'scrypt',
    n: SCRYPT_DEFAULTS.n,
    r: SCRYPT_DEFAULTS.r,
    p: SCRYPT_DEFAULTS.p,
    salt: salt.toString('base64'),
    cipher: 'aes-256-gcm',
    iv: iv.toString('base64'),
    tag: c.getAuthTag().toString('base64'),
    ciphertext: ct.toString('base64'),
    check: checkValue(key).toString('base64'),
  };
}

/** Result of {@link unseal}. */
export interface UnsealResult {
  plaintext: string;
  /** True for a version-1 blob: the fields were not authenticated; re-seal it. */
  legacy: boolean;
}

/**
 * Decrypts a blob. `what` names the record in messages (`key "alice"`). Errors: PASSPHRASE_WRONG (usage, exit 2);
 * KEY_FILE_TAMPERED when the passphrase is right but the authenticated fields or ciphertext were changed;
 * KEY_FILE_CORRUPT for unknown schemes, out-of-bounds scrypt parameters or malformed fields (exit 1).
 */
export function unseal(b: SealedBlob, passphrase: string, aad: Uint8Array, what: string): UnsealResult {
  if (!b || b.kdf !== 'scrypt' || b.cipher !== 'aes-256-gcm') throw corrupt(what, 'unknown encryption scheme');
  const version = b.v ?? 1;
  if (version !== 1 && version !== 2) throw corrupt(what, `unknown sealed version ${String(b.v)}`);
  checkScryptParams(b, what);
  const salt = Buffer.from(String(b.salt), 'base64');
  const iv = Buffer.from(String(b.iv), 'base64');
  const tag = Buffer.from(String(b.tag), 'base64');
  if (salt.length < SALT_BYTES || iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw corrupt(what, 'malformed salt, iv or tag');
  const key = derive(passphrase, salt, b);
  const wrong = () => new UsageError(`wrong passphrase for ${what}`, {code: 'PASSPHRASE_WRONG'});
  if (version === 2) {
    const check = Buffer.from(String(b.check ?? ''), 'base64');
    if (check.length !== CHECK_BYTES) throw corrupt(what, 'missing check value');
    if (!nodeCrypto().timingSafeEqual(check, checkValue(key))) throw wrong();
  }
  const d = nodeCrypto().createDecipheriv('aes-256-gcm', key, iv);
  if (version === 2) d.setAAD(aad);
  d.setAuthTag(tag);
  try {
    const plaintext = Buffer.concat([d.update(Buffer.from(String(b.ciphertext), 'base64')), d.final()]).toString('utf8');
    return {plaintext, legacy: version === 1};
  } catch {
    if (version === 1) throw wrong();
    throw new OperationError(`${what} was altered: its stored fields or ciphertext do not match what was encrypted`, {
      code: 'KEY_FILE_TAMPERED',
      suggestion: 'do not use this file; recover the key from its mnemonic (secretai keys add NAME --recover)',
    });
  }
}
