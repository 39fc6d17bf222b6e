/**
 * JSON views of the LCD adapter: how node records (accounts, contracts) render in gRPC-gateway answers.
 */
import {toBase64} from '../../../contracts/common/encoding.js';
import {TYPE_URL} from '../node/index.js';
import {isSecretAddress} from '../crypto.js';
import type {AccountRecord, CodeRecord, ContractRecord, TxEvent, TxResponseJson} from '../node/index.js';
import {GRPC, HttpError} from './http.js';

/** Account JSON of E2 (`BaseAccount`), or undefined when the account does not exist. */
export function accountJson(acc: AccountRecord | undefined): Record<string, unknown> | undefined {
  if (!acc) return undefined;
  return {
    '@type': TYPE_URL.baseAccount,
    address: acc.address,
    pub_key: acc.pubkey ? {'@type': TYPE_URL.secp256k1PubKey, key: toBase64(acc.pubkey)} : null,
    account_number: String(acc.number),
    sequence: String(acc.sequence),
  };
}

/** Code info JSON (`/compute/v1beta1/codes`, `/compute/v1beta1/code/{id}`). */
export function codeInfoJson(c: CodeRecord): Record<string, unknown> {
  return {code_id: String(c.codeId), creator: c.creator, code_hash: c.codeHash, source: c.source, builder: c.builder};
}

/** Contract info JSON (E-opt `/compute/v1beta1/info/{address}`). */
export function contractInfoJson(contract: ContractRecord): Record<string, unknown> {
  return {
    code_id: String(contract.codeId),
    creator: contract.creator,
    label: contract.label,
    created: {block_height: String(contract.createdHeight), tx_index: '0'},
    ibc_port_id: '',
    admin: contract.admin,
    admin_proof: null,
  };
}

export function requireAddress(address: string): string {
  if (!isSecretAddress(address)) {
    throw new HttpError(GRPC.invalidArgument, `invalid address ${JSON.stringify(address)}: decoding bech32 failed`);
  }
  return address;
}

export function requireCodeId(text: string): number {
  const id = Number(text);
  if (!/^[0-9]+$/.test(text) || !Number.isSafeInteger(id)) throw new HttpError(GRPC.invalidArgument, `invalid code id ${text}`);
  return id;
}

/** Non-negative integer amount given as a decimal string or a safe integer; `undefined`/`null` → 0. */
export function parseAmount(value: unknown, field: string): bigint {
  if (value === undefined || value === null || value === '') return 0n;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  if (typeof value === 'string' && /^[0-9]{1,38}$/.test(value)) return BigInt(value);
  throw new HttpError(GRPC.invalidArgument, `${field} must be a non-negative integer (decimal string), got ${JSON.stringify(value)}`);
}

/** `key=value` conditions of a tx search (`message.sender='secret1…' AND tx.height=5`). */
export function parseSearchConditions(texts: string[]): Array<{key: string; value: string}> {
  const out: Array<{key: string; value: string}> = [];
  for (const text of texts) {
    for (const part of text.split(/\s+AND\s+/i)) {
      const trimmed = part.trim();
      if (!trimmed) continue;
      const m = /^([A-Za-z0-9_.-]+)\s*=\s*'?([^']*)'?$/.exec(trimmed);
      if (!m) throw new HttpError(GRPC.invalidArgument, `unsupported tx search condition ${JSON.stringify(trimmed)} (use key='value')`);
      out.push({key: m[1]!, value: m[2]!});
    }
  }
  return out;
}

export function txMatches(resp: TxResponseJson, conditions: Array<{key: string; value: string}>): boolean {
  return conditions.every(({key, value}) => {
    if (key === 'tx.height') return resp.height === value;
    if (key === 'tx.hash') return resp.txhash === value.toUpperCase();
    const dot = key.lastIndexOf('.');
    const type = key.slice(0, dot);
    const attrKey = key.slice(dot + 1);
    return resp.events.some((e: TxEvent) => e.type === type && e.attributes.some((a) => a.key === attrKey && a.value === value));
  });
}

/** Most txs a search answers in one page. */
export const TX_SEARCH_LIMIT = 100;
