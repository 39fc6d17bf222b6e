/**
 * SNIP-24 query permits (`snip20-and-permits.md` §5): created and signed here, with the wallet's amino signer
 * (`keplr = false`), over the sign doc
 * `{"account_number":"0","chain_id":…,"fee":{"amount":[{"amount":"0","denom":"uscrt"}],"gas":"1"},"memo":"",
 * "msgs":[{"type":"query_permit","value":{"allowed_tokens":[…],"permissions":[…],"permit_name":…}}],"sequence":"0"}`.
 *
 * Permit names are restricted to plain characters: cosmjs escapes `&`, `<`, `>` when it serialises the sign doc and
 * the contracts' serde-json does not, so such a name would never verify (§5.3 edge case).
 *
 * A permit lets anyone holding it read what its permissions allow, for the listed contracts, until revoked: treat it
 * like a read credential. Signed permits are cached per (chain, signer, name, contracts, permissions) in a
 * {@link PermitStore}, so one is signed once and reused.
 */
import type {Permit} from '../../../contracts/common/types.generated.js';
import {chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {UsageError} from '../errors.js';
import {parseAddress} from './address.js';
import type {SigningClient} from './client.js';

/** Permissions of secret-toolkit's `TokenPermissions`; contracts may define more (plain lower-case words). */
export type Permission = 'owner' | 'balance' | 'history' | 'allowance' | (string & {});

/** A signed SNIP-24 permit, as sent in `with_permit.permit` (or a contract's `permit` field): the shared schema type. */
export type {Permit};

export interface PermitStore {
  get(key: string): Permit | undefined;
  set(key: string, permit: Permit): void;
}

/** Permit names: letters, digits, space and `._:-`, 1–64 characters. */
export const PERMIT_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9 ._:-]{0,63}$/;
const PERMISSION_RE = /^[a-z][a-z0-9_]{0,63}$/;

/** Name used when the caller does not give one. */
export const DEFAULT_PERMIT_NAME = 'secretai';

/** An in-memory permit store (per process). */
export class MemoryPermitStore implements PermitStore {
  private readonly map = new Map<string, Permit>();
  get(key: string): Permit | undefined {
    return this.map.get(key);
  }
  set(key: string, permit: Permit): void {
    this.map.set(key, permit);
  }
  get size(): number {
    return this.map.size;
  }
}

/** Permits in one JSON file (mode 0600, atomic writes), e.g. `<home>/permits.json`. */
export class FilePermitStore implements PermitStore {
  constructor(readonly file: string) {}

  private read(): Record<string, Permit> {
    if (!existsSync(this.file)) return {};
    try {
      const parsed = JSON.parse(readFileSync(this.file, 'utf8')) as unknown;
      return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, Permit>) : {};
    } catch {
      return {}; // a damaged cache only costs a new signature
    }
  }

  get(key: string): Permit | undefined {
    return this.read()[key];
  }

  set(key: string, permit: Permit): void {
    const all = this.read();
    all[key] = permit;
    mkdirSync(path.dirname(this.file), {recursive: true, mode: 0o700});
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(all, null, 2) + '\n', {mode: 0o600});
    renameSync(tmp, this.file);
    if (process.platform !== 'win32') chmodSync(this.file, 0o600);
  }
}

/** What a permit is for. */
export interface PermitRequest {
  /** Contract addresses the permit may be used with (`allowed_tokens`). */
  contracts: string[];
  permissions: Permission[];
  /** Permit name (revocable by this name); default {@link DEFAULT_PERMIT_NAME}. */
  name?: string;
}

/** Checks a permit name: plain characters only (see the module comment). Throws UsageError `PERMIT_NAME_INVALID`. */
export function validatePermitName(name: string): string {
  if (!PERMIT_NAME_RE.test(name)) {
    throw new UsageError(`invalid permit name "${name}": use letters, digits, space and . _ : - (1-64 characters)`, {
      code: 'PERMIT_NAME_INVALID',
    });
  }
  return name;
}

/** The canonical (sorted, de-duplicated, validated) form of a request. */
export function canonicalPermitRequest(req: PermitRequest): {name: string; contracts: string[]; permissions: Permission[]} {
  const name = validatePermitName(req.name ?? DEFAULT_PERMIT_NAME);
  if (!req.contracts.length) throw new UsageError('a permit needs at least one contract', {code: 'PERMIT_INVALID'});
  const contracts = [...new Set(req.contracts.map((c) => parseAddress(c, 'permit contract')))].sort();
  for (const p of req.permissions) {
    if (!PERMISSION_RE.test(p)) throw new UsageError(`invalid permit permission "${p}"`, {code: 'PERMIT_INVALID'});
  }
  const permissions = [...new Set(req.permissions)].sort() as Permission[];
  return {name, contracts, permissions};
}

/** Cache key of a permit: chain id, signer, name, contracts, permissions. */
export function permitKey(chainId: string, signer: string, req: PermitRequest): string {
  const c = canonicalPermitRequest(req);
  return [chainId, signer, c.name, c.contracts.join(','), c.permissions.join(',')].join('|');
}

/**
 * A permit signed by `signer` for `req`, from `store` when one was signed before. Contracts and permissions are
 * sorted before signing, so the same request always yields the same cache entry.
 */
export async function getPermit(signer: SigningClient, req: PermitRequest, store?: PermitStore): Promise<Permit> {
  const c = canonicalPermitRequest(req);
  const key = permitKey(signer.network.chainId, signer.address, c);
  const cached = store?.get(key);
  if (cached && isWellFormedPermit(cached, signer.network.chainId, c)) return cached;
  const client = await signer.secretjsClient();
  const permit = (await client.utils.accessControl.permit.sign(
    signer.address,
    signer.network.chainId,
    c.name,
    c.contracts,
    c.permissions as Parameters<typeof client.utils.accessControl.permit.sign>[4],
    false,
  )) as Permit;
  store?.set(key, permit);
  return permit;
}

function isWellFormedPermit(p: Permit, chainId: string, c: {name: string; contracts: string[]; permissions: Permission[]}): boolean {
  return (
    p?.params?.chain_id === chainId &&
    p.params.permit_name === c.name &&
    JSON.stringify(p.params.allowed_tokens) === JSON.stringify(c.contracts) &&
    JSON.stringify(p.params.permissions) === JSON.stringify(c.permissions) &&
    typeof p.signature?.signature === 'string' &&
    typeof p.signature?.pub_key?.value === 'string'
  );
}
