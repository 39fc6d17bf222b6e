/**
 * Contract code on chain: the codes a node holds, contracts by label, uploading code (`MsgStoreCode`) and
 * instantiating it (`MsgInstantiateContract`). Used by `secretai contracts deploy`.
 */
import {gzipSync} from 'node:zlib';
import {contractCodeHash, isGzip, unzipContract} from '../contracts/validate.js';
import {parseAddress, toSecretAddress} from './address.js';
import type {Coin} from './amounts.js';
import {eventValues, type ChainClient, type SigningClient, type TxResult, type TxSettings} from './client.js';
import {ChainRequestError, isErrorLike, normalizeChainError} from './errors.js';
import {gasForStoreCode} from './gas.js';
import {loadQueryKit, loadSecretjs} from './secretjs.js';

/** Code stored on a chain. */
export interface CodeInfo {
  codeId: number;
  /** SHA-256 hex of the unzipped code. */
  codeHash: string;
  creator: string;
}

/** A contract found on a chain. */
export interface ContractInfo {
  address: string;
  codeId: number;
  codeHash: string;
  creator: string;
  label: string;
}

function gatewayOpts(chain: ChainClient): {pathPrefix: string} {
  return {pathPrefix: chain.network.lcdUrl};
}

function fail(chain: ChainClient, err: unknown, action: string): never {
  throw normalizeChainError(err, {network: chain.network, action});
}

/** True when a gRPC-gateway error body says "not found" (code 5, or the compute module's text). */
function isNotFound(err: unknown): boolean {
  if (!err || typeof err !== 'object' || isErrorLike(err)) return false;
  const body = err as {code?: unknown; message?: unknown};
  return body.code === 5 || (typeof body.message === 'string' && /not found/i.test(body.message));
}

/** A creator as the LCD renders it: bech32 text, or base64 of the address bytes. */
function creatorText(creator: unknown): string {
  if (typeof creator !== 'string') return '';
  if (creator.startsWith('secret1')) return creator;
  try {
    return toSecretAddress(new Uint8Array(Buffer.from(creator, 'base64')));
  } catch {
    return creator;
  }
}

/** Every code stored on the chain (Secret's `codes` query has no pagination). */
export async function listCodes(chain: ChainClient): Promise<CodeInfo[]> {
  const {compute: Query} = await loadQueryKit();
  let res;
  try {
    res = await Query.Codes({}, gatewayOpts(chain));
  } catch (err) {
    fail(chain, err, 'list the stored codes');
  }
  return (res.code_infos ?? []).map((c) => ({
    codeId: Number(c.code_id),
    codeHash: String(c.code_hash ?? '').replace(/^0x/i, '').toLowerCase(),
    creator: creatorText(c.creator),
  }));
}

/**
 * A stored code with this hash, or null. Identical code is identical whoever uploaded it; the signer's own upload
 * is preferred, then the oldest.
 */
export async function findCodeByHash(chain: ChainClient, codeHash: string, preferCreator?: string): Promise<CodeInfo | null> {
  const matches = (await listCodes(chain)).filter((c) => c.codeHash === codeHash).sort((a, b) => a.codeId - b.codeId);
  return matches.find((c) => c.creator === preferCreator) ?? matches[0] ?? null;
}

/** The contract with this label (labels are unique on a chain), or null. */
export async function contractByLabel(chain: ChainClient, label: string): Promise<ContractInfo | null> {
  const {compute: Query} = await loadQueryKit();
  let address: string | undefined;
  try {
    ({contract_address: address} = await Query.AddressByLabel({label}, gatewayOpts(chain)));
  } catch (err) {
    if (isNotFound(err)) return null;
    fail(chain, err, `look up the contract labelled ${label}`);
  }
  if (!address) return null;
  let info;
  try {
    info = await Query.ContractInfo({contract_address: address}, gatewayOpts(chain));
  } catch (err) {
    fail(chain, err, `read the contract info of ${address}`);
  }
  const codeHash = await chain.codeHashOf(address);
  return {
    address: parseAddress(address, 'contract address'),
    codeId: Number(info.contract_info?.code_id),
    codeHash,
    creator: creatorText(info.contract_info?.creator),
    label: String(info.contract_info?.label ?? label),
  };
}

/** Result of an upload. */
export interface StoreCodeResult {
  codeId: number;
  codeHash: string;
  txHash: string;
  gasUsed: number;
}

/** The first value of an attribute of the tx's `message` events. */
function messageAttribute(r: TxResult, key: string): string | undefined {
  return eventValues(r.events, 'message', key)[0];
}

/**
 * Uploads contract code, gzip-compressed (deterministically, level 9) when it is not already. The gas limit
 * follows the unzipped size unless given.
 */
export async function storeCode(signer: SigningClient, code: Uint8Array, settings: TxSettings = {}): Promise<StoreCodeResult> {
  const wasm = unzipContract(code).wasm;
  const gz = isGzip(code) ? code : new Uint8Array(gzipSync(wasm, {level: 9}));
  const r = await signer.broadcast([{type: 'store', wasm: gz}], {gasLimit: gasForStoreCode(wasm.length), ...settings});
  const sjs = await loadSecretjs();
  let codeId: number | undefined;
  try {
    codeId = Number(sjs.MsgStoreCodeResponse.decode(r.msgResponses[0]!).code_id);
  } catch {
    codeId = undefined;
  }
  if (!codeId) codeId = Number(messageAttribute(r, 'code_id'));
  if (!Number.isSafeInteger(codeId) || codeId <= 0) {
    throw new ChainRequestError(`the node stored the code (tx ${r.txHash}) but did not say its code id`, undefined, {code: 'CHAIN_BAD_ANSWER'});
  }
  return {codeId, codeHash: contractCodeHash(wasm), txHash: r.txHash, gasUsed: r.gasUsed};
}

/** Parameters of an instantiation. */
export interface InstantiateParams {
  codeId: number;
  codeHash: string;
  label: string;
  msg: object;
  funds?: Coin[];
  /** Account that may migrate the contract (none by default). */
  admin?: string;
}

/** Result of an instantiation. */
export interface InstantiateResult {
  address: string;
  txHash: string;
  gasUsed: number;
}

/** Instantiates stored code; returns the new contract's address. */
export async function instantiateContract(signer: SigningClient, p: InstantiateParams, settings: TxSettings = {}): Promise<InstantiateResult> {
  const r = await signer.broadcast([{type: 'instantiate', ...p}], settings);
  const sjs = await loadSecretjs();
  let address: string | undefined;
  try {
    address = sjs.MsgInstantiateContractResponse.decode(r.msgResponses[0]!).address || undefined;
  } catch {
    address = undefined;
  }
  address ??= messageAttribute(r, 'contract_address');
  if (!address) throw new ChainRequestError(`the node instantiated ${p.label} (tx ${r.txHash}) but did not say its address`, undefined, {code: 'CHAIN_BAD_ANSWER'});
  return {address: parseAddress(address, 'contract address'), txHash: r.txHash, gasUsed: r.gasUsed};
}
