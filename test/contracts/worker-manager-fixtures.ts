/**
 * Builders for WorkerManager tests and its benchmark: secp256k1 worker keys (node:crypto, fast), bundles whose
 * TDX quote carries a chosen REPORTDATA (the contract reads only that part), SNIP-24 permits signed with such
 * keys, and a harness with the contract (its built wasm, `contracts/worker-manager/worker-manager.wasm`, run by
 * the devnet's wasm host) instantiated.
 */
import {createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject} from 'node:crypto';
import {permitSignBytes} from '../../contracts/common/permit.js';
import type * as WM from '../../contracts/worker-manager/types.js';
import {ContractHarness, nodeApi, testAddress, wasmContract, type WasmContract} from './harness.js';

export const WM_ADDRESS = testAddress(201);
/** The payment token: the WorkerManager only stores its reference, so any code hash does. */
export const TOKEN_REF = {address: testAddress(200), code_hash: '5a'.repeat(32)};
export const MIN_STAKE = '1000000';
export const EPOCH = 3600;
export const UNBONDING = 600;

/** A secp256k1 key pair with its compressed public key and `secret1…` account. */
export interface WorkerKey {
  privateKey: KeyObject;
  pubkey: Uint8Array;
  pubkeyB64: string;
  address: string;
}

const api = nodeApi();

function compressed(pub: KeyObject): Uint8Array {
  const jwk = pub.export({format: 'jwk'});
  const x = Buffer.from(jwk.x!, 'base64url');
  const y = Buffer.from(jwk.y!, 'base64url');
  return Uint8Array.from([(y[y.length - 1]! & 1) === 1 ? 0x03 : 0x02, ...x]);
}

/** A fresh worker (or subscriber) key. */
export function newKey(): WorkerKey {
  const {privateKey, publicKey} = generateKeyPairSync('ec', {namedCurve: 'secp256k1'});
  const pubkey = compressed(publicKey);
  return {privateKey, pubkey, pubkeyB64: Buffer.from(pubkey).toString('base64'), address: api.pubkeyToAddress(pubkey)};
}

/** The key of a raw 32-byte secp256k1 private key (e.g. a secretjs wallet's). */
export function keyFromPrivate(raw: Uint8Array): WorkerKey {
  const der = Buffer.concat([Buffer.from('302e0201010420', 'hex'), Buffer.from(raw), Buffer.from('a00706052b8104000a', 'hex')]);
  const privateKey = createPrivateKey({key: der, format: 'der', type: 'sec1'});
  const pubkey = compressed(createPublicKey(privateKey));
  return {privateKey, pubkey, pubkeyB64: Buffer.from(pubkey).toString('base64'), address: api.pubkeyToAddress(pubkey)};
}

/** Order of the secp256k1 group. */
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const SCALAR_BYTES = 32;

/**
 * 64-byte r‖s signature over SHA-256(`message`), with the low-S form a chain requires (s ≤ n/2: node:crypto
 * returns either form, and the wasm host's `secp256k1_verify` refuses high S as libsecp256k1 does).
 */
export function signSha256(key: WorkerKey, message: Uint8Array): string {
  const sig = sign('sha256', message, {key: key.privateKey, dsaEncoding: 'ieee-p1363'});
  const s = BigInt(`0x${sig.subarray(SCALAR_BYTES).toString('hex')}`);
  if (s > SECP256K1_N / 2n) Buffer.from((SECP256K1_N - s).toString(16).padStart(2 * SCALAR_BYTES, '0'), 'hex').copy(sig, SCALAR_BYTES);
  return sig.toString('base64');
}

const sha256 = (b: Uint8Array): Buffer => createHash('sha256').update(b).digest();

/** SHA-256("secretai/v1" ‖ worker_pubkey ‖ challenge). */
export function nonceFor(pubkey: Uint8Array, challengeHex: string): Buffer {
  return createHash('sha256').update('secretai/v1', 'ascii').update(pubkey).update(Buffer.from(challengeHex, 'hex')).digest();
}

/** A fixed P-256 SPKI DER (any bytes do for the contract; a real key keeps the bundle realistic). */
export const TLS_SPKI = new Uint8Array(generateKeyPairSync('ec', {namedCurve: 'P-256'}).publicKey.export({type: 'spki', format: 'der'}));

/** TDX v4 quote layout: header 48 bytes, REPORTDATA at body offset 0x208, body 584 bytes. */
const TDX_REPORTDATA = 48 + 0x208;
const TDX_MIN_QUOTE = 48 + 584 + 4;

/** Options of {@link bundleFor}: what to bind (defaults: a valid binding). */
export interface BundleOptions {
  challenge: string;
  spki?: Uint8Array;
  /** Override REPORTDATA[32..64]. */
  nonce?: Uint8Array;
  /** Override the bundle's GPU nonce (default: REPORTDATA[32..64]); `null` leaves out GPU evidence. */
  gpuNonce?: string | null;
  /** Worker key named in the bundle (default: the registering key). */
  bundleKey?: Uint8Array;
}

/** A bundle the contract accepts for `key` (unless options break it). Signatures inside are not real. */
export function bundleFor(key: WorkerKey, o: BundleOptions): WM.AttestationBundle {
  const spki = o.spki ?? TLS_SPKI;
  const nonce = o.nonce ?? nonceFor(key.pubkey, o.challenge);
  const quote = Buffer.alloc(TDX_MIN_QUOTE);
  quote.writeUInt16LE(4, 0);
  quote.writeUInt32LE(0x81, 4);
  sha256(spki).copy(quote, TDX_REPORTDATA);
  Buffer.from(nonce).copy(quote, TDX_REPORTDATA + 32);
  const gpuNonce = o.gpuNonce === undefined ? Buffer.from(nonce).toString('hex') : o.gpuNonce;
  return {
    version: 1,
    cpu: {type: 'tdx', quote: quote.toString('base64')},
    ...(gpuNonce !== null ? {gpu: {nonce: gpuNonce, arch: 'HOPPER', evidence_list: []}} : {}),
    tlsSpki: Buffer.from(spki).toString('base64'),
    workerPubkey: Buffer.from(o.bundleKey ?? key.pubkey).toString('base64'),
    challenge: o.challenge,
  };
}

/** A SNIP-24 permit for the WorkerManager signed by `key` (`balance` permission). */
export function permitFor(key: WorkerKey, contract = WM_ADDRESS, name = 'secretai'): WM.Permit {
  const params = {permit_name: name, allowed_tokens: [contract], chain_id: 'secretdev-1', permissions: ['balance' as const]};
  return {
    params,
    signature: {pub_key: {type: 'tendermint/PubKeySecp256k1', value: key.pubkeyB64}, signature: signSha256(key, permitSignBytes(params))},
  };
}

export type WorkerManagerHarness = ContractHarness<WM.InstantiateMsg, WM.ExecuteMsg, WM.QueryMsg>;

let contract: WasmContract | undefined;

/** The built WorkerManager wasm (loaded once per test file). */
export function workerManagerWasm(): WasmContract {
  contract ??= wasmContract('worker-manager');
  return contract;
}

/** A WorkerManager instantiated by `admin` (loopback URLs allowed unless said otherwise). */
export function newWorkerManager(admin: string, extra: Partial<WM.InstantiateMsg> = {}): WorkerManagerHarness {
  const wasm = workerManagerWasm();
  const h: WorkerManagerHarness = new ContractHarness(wasm, nodeApi(), {address: WM_ADDRESS, codeHash: wasm.codeHash});
  h.instantiate(admin, {payment_token: TOKEN_REF, min_stake: MIN_STAKE, epoch_seconds: EPOCH, unbonding_seconds: UNBONDING, ...extra});
  return h;
}

/** The current registration challenge of a harness. */
export function currentChallenge(h: WorkerManagerHarness): WM.GetRegistrationChallengeResponse {
  return h.query<WM.GetRegistrationChallengeResponse>({get_registration_challenge: {}});
}

/** Registers `key` as a worker for `models`; returns its id. */
export function registerWorker(h: WorkerManagerHarness, key: WorkerKey, models: string[], url = 'https://worker.example:21434'): string {
  const challenge = currentChallenge(h).challenge;
  const res = h.execute(
    key.address,
    {register_worker: {url, models, payout_address: key.address, worker_pubkey: key.pubkeyB64, attestation: bundleFor(key, {challenge})}},
    [{denom: 'uscrt', amount: MIN_STAKE}],
  );
  return (res.data as {register_worker: {worker_id: string}}).register_worker.worker_id;
}
