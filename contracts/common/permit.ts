/**
 * SNIP-24 query permits: verification as secret-toolkit `permit::validate` (SNIP-24.1 variant) does it, and the
 * revocation store behind `revoke_permit`. See docs `snip20-and-permits.md` §5.
 *
 * Order of checks (each failure throws {@link ContractError} with the reference implementation's text):
 * 1. this contract is in `allowed_tokens` (or the permit is a blanket `ANY_TOKEN` permit with `created`);
 * 2. `created` is not after the block time, `expires` is after it (ISO-8601 UTC strings);
 * 3. the signer account is bech32(`secret`, RIPEMD-160(SHA-256(pub_key))) — through `deps.api.pubkeyToAddress`;
 * 4. the permit name is not revoked by that account;
 * 5. secp256k1 signature over SHA-256 of the canonical amino sign document (§5.2) verifies;
 * 6. the permit grants the permission the query needs (`owner` grants all).
 */
import {canonicalJson, EncodingError, fromBase64, utf8} from './encoding.js';
import {compressSecp256k1Pubkey, verifySha256Signature} from './crypto.js';
import {ContractError, type Env, type ReadonlyDeps, type ReadonlyStorage, type Storage} from './types.js';
import type {Permission, Permit, PermitParams} from './types.generated.js';

/** Permission names of secret-toolkit `TokenPermissions` (the shared schema's `Permission`). */
export type PermitPermission = Permission;
/** A SNIP-24 permit and its `params`, as generated from the shared schema definitions. */
export type {Permit, PermitParams};

/** SNIP-24.1 blanket token value: the permit applies to every contract (must be the only entry, needs `created`). */
export const BLANKET_PERMIT_TOKEN = 'ANY_TOKEN';
/** The only supported `pub_key.type`. */
export const SECP256K1_PUBKEY_TYPE = 'tendermint/PubKeySecp256k1';
/** Storage key prefix of revoked permit names: `permit_revoked:<account>:<permit name>`. */
export const PERMIT_REVOCATION_PREFIX = 'permit_revoked:';

/**
 * The amino `StdSignDoc` a permit signer signs (docs §5.2): `account_number` "0", fee 0uscrt with gas "1", empty
 * memo, one `query_permit` message whose value holds the params except `chain_id` (`created` / `expires` only when
 * present). Returns the canonical JSON bytes (sorted keys, no whitespace, no HTML escaping).
 */
export function permitSignBytes(params: PermitParams): Uint8Array {
  const value: Record<string, unknown> = {
    allowed_tokens: params.allowed_tokens,
    permissions: params.permissions,
    permit_name: params.permit_name,
  };
  if (params.created !== undefined && params.created !== null) value.created = params.created;
  if (params.expires !== undefined && params.expires !== null) value.expires = params.expires;
  const doc = {
    account_number: '0',
    chain_id: params.chain_id,
    fee: {amount: [{amount: '0', denom: 'uscrt'}], gas: '1'},
    memo: '',
    msgs: [{type: 'query_permit', value}],
    sequence: '0',
  };
  return utf8(canonicalJson(doc));
}

const ISO8601_UTC = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?Z$/;

/**
 * Unix seconds of an ISO-8601 UTC time `YYYY-MM-DDThh:mm:ss[.fff]Z` (fraction truncated). Throws
 * {@link ContractError} for other forms, impossible dates and times before 1970.
 */
export function parseIso8601Utc(text: string): number {
  const m = ISO8601_UTC.exec(text);
  if (!m) {
    throw new ContractError(text.endsWith('Z') ? 'ISO 8601 string could not be parsed' : 'ISO 8601 string not in Zulu (UTC+0)');
  }
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(ms);
  if (
    check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day ||
    hour > 23 || minute > 59 || second > 59
  ) {
    throw new ContractError('ISO 8601 string could not be parsed');
  }
  if (ms < 0) throw new ContractError('Date time before January 1, 1970 0:00:00 UTC not supported');
  return Math.floor(ms / 1000);
}

function revocationKey(account: string, permitName: string): string {
  return `${PERMIT_REVOCATION_PREFIX}${account}:${permitName}`;
}

/** Records that `account` revoked every permit named `permitName` (execute `revoke_permit`). */
export function revokePermit(storage: Storage, account: string, permitName: string): void {
  storage.set(revocationKey(account, permitName), true);
}

/** True when `account` revoked permits named `permitName`. */
export function isPermitRevoked(storage: ReadonlyStorage, account: string, permitName: string): boolean {
  return storage.get(revocationKey(account, permitName)) === true;
}

/** Rust `{:?}` rendering of a string list, as the reference texts show it: `["a", "b"]`. */
function debugList(items: readonly string[]): string {
  return `[${items.map((s) => JSON.stringify(s)).join(', ')}]`;
}

/** Rust `{:?}` rendering of permissions (enum variant names): `[Balance, History]`. */
function debugPermissions(perms: readonly string[]): string {
  return `[${perms.map((p) => p.charAt(0).toUpperCase() + p.slice(1)).join(', ')}]`;
}

function decodeBinary(text: string, what: string): Uint8Array {
  try {
    return fromBase64(text);
  } catch (e) {
    if (e instanceof EncodingError) throw new ContractError(`Invalid ${what}: ${e.message}`);
    throw e;
  }
}

/** True when the permit grants `permission` (directly or through `owner`). */
export function permitGrants(permit: Permit, permission: PermitPermission): boolean {
  return permit.params.permissions.includes(permission) || permit.params.permissions.includes('owner');
}

/**
 * Verifies a SNIP-24 permit for the contract at `contractAddr` and returns the signer's `secret1…` address.
 * `requiredPermission` is checked last (pass `null` to check it in the caller); its failure text is
 * `No permission to query <permission>, got permissions [Balance]`. Throws {@link ContractError} on any failure.
 */
export function verifyPermit(
  deps: ReadonlyDeps,
  env: Env,
  permit: Permit,
  contractAddr: string,
  requiredPermission: PermitPermission | null,
): string {
  const {params} = permit;
  if (params.allowed_tokens.includes(BLANKET_PERMIT_TOKEN)) {
    if (params.allowed_tokens.length !== 1) throw new ContractError('Blanket permits cannot contain other allowed tokens');
    if (params.created === undefined || params.created === null) throw new ContractError('Blanket permits must have a `created` time');
  } else if (!params.allowed_tokens.includes(contractAddr)) {
    throw new ContractError(`Permit doesn't apply to token ${JSON.stringify(contractAddr)}, allowed tokens: ${debugList(params.allowed_tokens)}`);
  }

  if (params.created !== undefined && params.created !== null && parseIso8601Utc(params.created) > env.block.time) {
    throw new ContractError('Permit `created` after current block time');
  }
  if (params.expires !== undefined && params.expires !== null && parseIso8601Utc(params.expires) <= env.block.time) {
    throw new ContractError('Permit has expired');
  }

  const rawPubkey = decodeBinary(permit.signature.pub_key.value, 'permit public key');
  const pubkey = compressSecp256k1Pubkey(rawPubkey);
  if (!pubkey) throw new ContractError('Public key len is not 33 or 65 bytes');
  const account = deps.api.pubkeyToAddress(pubkey);

  if (isPermitRevoked(deps.storage, account, params.permit_name)) {
    throw new ContractError(`Permit ${JSON.stringify(params.permit_name)} was revoked by account ${JSON.stringify(account)}`);
  }

  if (permit.signature.pub_key.type !== SECP256K1_PUBKEY_TYPE) throw new ContractError('Invalid signature public key type');
  const signature = decodeBinary(permit.signature.signature, 'permit signature');
  if (!verifySha256Signature(deps.api, permitSignBytes(params), signature, pubkey)) {
    throw new ContractError('Failed to verify signatures for the given permit');
  }

  if (requiredPermission !== null && !permitGrants(permit, requiredPermission)) {
    throw new ContractError(`No permission to query ${requiredPermission}, got permissions ${debugPermissions(params.permissions)}`);
  }
  return account;
}
