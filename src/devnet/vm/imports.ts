/**
 * The `env` imports of a contract (CosmWasm v1 as Secret's enclave implements them): storage, addresses,
 * signatures, `query_chain`, `debug`, gas. Return conventions follow the enclave: `0` = ok or absent, a Region
 * pointer for data and error texts, crypto error codes (`3` hash, `4` signature, `5` public key, `7` batch, `10`
 * generic, `1000` private key) and `u64` results with an error code in the high half and a Region pointer in the low
 * half. A malformed call (bad pointer, a write in a query) is a {@link VmError}, which traps the call.
 */
import {ed25519} from '@noble/curves/ed25519.js';
import {secp256k1} from '@noble/curves/secp256k1.js';
import {ADDRESS_BYTES, SECRET_HRP, decodeBech32, encodeBech32, toBase64, utf8} from '../../../contracts/common/encoding.js';
import {GAS, WASM_GAS} from '../gas.js';
import {signSecp256k1Sha256} from '../crypto.js';
import {DCAP_UNAVAILABLE, type CallState} from './call.js';
import {VmError} from './errors.js';

/** Crypto error codes of the host (`WasmApiCryptoError`). */
export const CRYPTO_ERROR = {
  invalidHashFormat: 3,
  invalidSignatureFormat: 4,
  invalidPubkeyFormat: 5,
  batchErr: 7,
  genericErr: 10,
  invalidPrivateKeyFormat: 1000,
} as const;

/** Longest storage key and value the host accepts (cosmwasm's limits). */
const MAX_KEY_BYTES = 64 * 1024;
const MAX_VALUE_BYTES = 128 * 1024;

const fatalUtf8 = new TextDecoder('utf-8', {fatal: true});

function errorCode(code: number): bigint {
  return BigInt(code) << 32n;
}

/** Why a human address is not a normalised `secret1…` account address, or undefined when it is. */
export function addressProblem(bytes: Uint8Array): string | undefined {
  if (bytes.length === 0) return 'Input is empty';
  let text: string;
  try {
    text = fatalUtf8.decode(bytes);
  } catch {
    return 'Input is not valid UTF-8';
  }
  const decoded = decodeBech32(text);
  if (!decoded.ok) return `invalid bech32 (${decoded.problem})`;
  if (decoded.prefix !== SECRET_HRP) return `wrong address prefix: ${JSON.stringify(decoded.prefix)}`;
  if (decoded.data.length !== ADDRESS_BYTES) return `Invalid address length ${decoded.data.length}`;
  if (encodeBech32(SECRET_HRP, decoded.data) !== text) return 'Address is not normalized';
  return undefined;
}

/** Valid public key framing of `secp256k1_verify` (33 compressed, 65 uncompressed or hybrid). */
function secp256k1PubkeyFramed(pubkey: Uint8Array): boolean {
  const first = pubkey[0];
  if (first === 0x02 || first === 0x03) return pubkey.length === 33;
  if (first === 0x04 || first === 0x06 || first === 0x07) return pubkey.length === 65;
  return false;
}

/** Answers of {@link secp256k1VerifyCode} kept, newest last. */
const SECP256K1_VERIFY_MEMO_SIZE = 1024;
const secp256k1VerifyMemo = new Map<string, number>();

/**
 * `secp256k1_verify`: 0 valid, 1 invalid (high-S included, as libsecp256k1), or a crypto error code. A pure function
 * of its inputs, so answers are remembered (the last {@link SECP256K1_VERIFY_MEMO_SIZE}): a query permit is signed
 * once and verified on every query that carries it, about 2 ms of curve arithmetic in JavaScript each time. Gas is
 * charged by the caller either way.
 */
export function secp256k1VerifyCode(hash: Uint8Array, sig: Uint8Array, pubkey: Uint8Array): number {
  const key = `${Buffer.from(hash).toString('hex')}:${Buffer.from(sig).toString('hex')}:${Buffer.from(pubkey).toString('hex')}`;
  const known = secp256k1VerifyMemo.get(key);
  if (known !== undefined) return known;
  const code = secp256k1VerifyUncached(hash, sig, pubkey);
  if (secp256k1VerifyMemo.size >= SECP256K1_VERIFY_MEMO_SIZE) secp256k1VerifyMemo.delete(secp256k1VerifyMemo.keys().next().value!);
  secp256k1VerifyMemo.set(key, code);
  return code;
}

function secp256k1VerifyUncached(hash: Uint8Array, sig: Uint8Array, pubkey: Uint8Array): number {
  if (hash.length !== 32) return CRYPTO_ERROR.invalidHashFormat;
  if (sig.length !== 64) return CRYPTO_ERROR.invalidSignatureFormat;
  if (!secp256k1PubkeyFramed(pubkey)) return CRYPTO_ERROR.invalidPubkeyFormat;
  // hybrid keys (0x06/0x07) carry the full point like uncompressed ones
  const key = pubkey[0] === 0x06 || pubkey[0] === 0x07 ? Uint8Array.of(0x04, ...pubkey.subarray(1)) : pubkey;
  try {
    secp256k1.Point.fromBytes(key);
    secp256k1.Signature.fromBytes(sig, 'compact');
  } catch {
    return CRYPTO_ERROR.genericErr;
  }
  return secp256k1.verify(sig, hash, key, {prehash: false, lowS: true, format: 'compact'}) ? 0 : 1;
}

/** `ed25519_verify`: 0 valid, 1 invalid, or a crypto error code. */
export function ed25519VerifyCode(message: Uint8Array, sig: Uint8Array, pubkey: Uint8Array): number {
  if (sig.length !== 64) return CRYPTO_ERROR.invalidSignatureFormat;
  if (pubkey.length !== 32) return CRYPTO_ERROR.invalidPubkeyFormat;
  try {
    ed25519.Point.fromBytes(pubkey, true);
  } catch {
    return CRYPTO_ERROR.invalidPubkeyFormat;
  }
  try {
    return ed25519.verify(sig, message, pubkey, {zip215: true}) ? 0 : 1;
  } catch {
    return 1;
  }
}

/** `ed25519_batch_verify` over decoded lists: one message or one key may be shared by all signatures. */
export function ed25519BatchCode(messages: Uint8Array[], sigs: Uint8Array[], pubkeys: Uint8Array[]): number {
  const n = sigs.length;
  let msgs: Uint8Array[];
  let keys: Uint8Array[];
  if (messages.length === n && pubkeys.length === n) [msgs, keys] = [messages, pubkeys];
  else if (messages.length === 1 && pubkeys.length === n) [msgs, keys] = [Array(n).fill(messages[0]), pubkeys];
  else if (messages.length === n && pubkeys.length === 1) [msgs, keys] = [messages, Array(n).fill(pubkeys[0])];
  else return CRYPTO_ERROR.batchErr;
  for (let i = 0; i < n; i++) {
    if (sigs[i]!.length !== 64) return CRYPTO_ERROR.invalidSignatureFormat;
    if (keys[i]!.length !== 32) return CRYPTO_ERROR.invalidPubkeyFormat;
  }
  for (let i = 0; i < n; i++) {
    try {
      if (!ed25519.verify(sigs[i]!, msgs[i]!, keys[i]!, {zip215: true})) return 1;
    } catch {
      return 1;
    }
  }
  return 0;
}

/** The system error of a `query_chain` request the host cannot parse. */
function invalidRequest(error: string, request: Uint8Array): Record<string, unknown> {
  return {invalid_request: {error, request: toBase64(request)}};
}

/** The `env` import object for one call. */
export function buildImports(call: CallState): Record<string, (...args: never[]) => unknown> {
  const {ctx} = call;
  const writeAccess = (name: string): void => {
    if (ctx.readonly) throw new VmError(`${name}: write access to storage is not allowed in a query`);
  };
  const result = (ptr: number): bigint => BigInt(ptr >>> 0);

  return {
    db_read(keyPtr: number): number {
      call.enter(GAS.storageReadFlat);
      const key = call.regions.read(keyPtr, MAX_KEY_BYTES);
      const value = ctx.storage.get(key);
      call.charge(GAS.storageReadPerByte * (key.length + (value?.length ?? 0)));
      return value === undefined ? 0 : call.regions.write(value);
    },
    db_write(keyPtr: number, valuePtr: number): void {
      writeAccess('db_write');
      call.enter(GAS.storageWriteFlat);
      const key = call.regions.read(keyPtr, MAX_KEY_BYTES);
      const value = call.regions.read(valuePtr, MAX_VALUE_BYTES);
      call.charge(GAS.storageWritePerByte * (key.length + value.length));
      ctx.storage.set(key, value);
    },
    db_remove(keyPtr: number): void {
      writeAccess('db_remove');
      call.enter(GAS.storageRemoveFlat);
      ctx.storage.remove(call.regions.read(keyPtr, MAX_KEY_BYTES));
    },
    addr_validate(srcPtr: number): number {
      call.enter(WASM_GAS.address);
      const problem = addressProblem(call.regions.read(srcPtr));
      return problem === undefined ? 0 : call.regions.write(utf8(problem));
    },
    addr_canonicalize(srcPtr: number, dstPtr: number): number {
      call.enter(WASM_GAS.address);
      const human = call.regions.read(srcPtr);
      const problem = addressProblem(human);
      if (problem !== undefined) return call.regions.write(utf8(problem));
      const decoded = decodeBech32(fatalUtf8.decode(human));
      call.regions.writeInto(dstPtr, (decoded as {data: Uint8Array}).data);
      return 0;
    },
    addr_humanize(srcPtr: number, dstPtr: number): number {
      call.enter(WASM_GAS.address);
      const canonical = call.regions.read(srcPtr);
      if (canonical.length !== ADDRESS_BYTES) return call.regions.write(utf8(`Invalid canonical address length ${canonical.length}`));
      call.regions.writeInto(dstPtr, utf8(encodeBech32(SECRET_HRP, canonical)));
      return 0;
    },
    secp256k1_verify(hashPtr: number, sigPtr: number, pubkeyPtr: number): number {
      call.enter(WASM_GAS.secp256k1Verify);
      return secp256k1VerifyCode(call.regions.read(hashPtr), call.regions.read(sigPtr), call.regions.read(pubkeyPtr));
    },
    secp256k1_recover_pubkey(hashPtr: number, sigPtr: number, recovery: number): bigint {
      call.enter(WASM_GAS.secp256k1Verify);
      const hash = call.regions.read(hashPtr);
      const sig = call.regions.read(sigPtr);
      if (hash.length !== 32) return errorCode(CRYPTO_ERROR.invalidHashFormat);
      if (sig.length !== 64) return errorCode(CRYPTO_ERROR.invalidSignatureFormat);
      if (recovery < 0 || recovery > 3) return errorCode(CRYPTO_ERROR.genericErr);
      let pubkey: Uint8Array;
      try {
        pubkey = secp256k1.Signature.fromBytes(sig, 'compact').addRecoveryBit(recovery).recoverPublicKey(hash).toBytes(true);
      } catch {
        return errorCode(CRYPTO_ERROR.genericErr);
      }
      return result(call.regions.write(pubkey));
    },
    ed25519_verify(msgPtr: number, sigPtr: number, pubkeyPtr: number): number {
      call.enter(WASM_GAS.ed25519Verify);
      return ed25519VerifyCode(call.regions.read(msgPtr), call.regions.read(sigPtr), call.regions.read(pubkeyPtr));
    },
    ed25519_batch_verify(msgsPtr: number, sigsPtr: number, pubkeysPtr: number): number {
      call.enter(0);
      const messages = call.regions.readSections(msgsPtr);
      const sigs = call.regions.readSections(sigsPtr);
      const pubkeys = call.regions.readSections(pubkeysPtr);
      call.charge(WASM_GAS.ed25519BatchBase + WASM_GAS.ed25519BatchEach * sigs.length);
      return ed25519BatchCode(messages, sigs, pubkeys);
    },
    secp256k1_sign(msgPtr: number, keyPtr: number): bigint {
      call.enter(WASM_GAS.sign);
      const message = call.regions.read(msgPtr);
      const key = call.regions.read(keyPtr);
      if (key.length !== 32) return errorCode(CRYPTO_ERROR.invalidPrivateKeyFormat);
      let sig: Uint8Array;
      try {
        sig = signSecp256k1Sha256(message, key);
      } catch {
        return errorCode(CRYPTO_ERROR.invalidPrivateKeyFormat);
      }
      return result(call.regions.write(sig));
    },
    ed25519_sign(msgPtr: number, keyPtr: number): bigint {
      call.enter(WASM_GAS.sign);
      const message = call.regions.read(msgPtr);
      const key = call.regions.read(keyPtr);
      if (key.length !== 32) return errorCode(CRYPTO_ERROR.invalidPrivateKeyFormat);
      return result(call.regions.write(ed25519.sign(message, key)));
    },
    debug(msgPtr: number): void {
      call.enter(0);
      const bytes = call.regions.read(msgPtr);
      ctx.host.debug?.(Buffer.from(bytes).toString('utf8'));
    },
    query_chain(requestPtr: number): number {
      call.enter(WASM_GAS.queryChain);
      const raw = call.regions.read(requestPtr);
      let request: unknown;
      try {
        request = JSON.parse(fatalUtf8.decode(raw));
      } catch (err) {
        return call.regions.write(utf8(JSON.stringify({Err: invalidRequest((err as Error).message, raw)})));
      }
      const answer = ctx.host.queryChain(request);
      call.sync();
      const json =
        'ok' in answer
          ? {Ok: {Ok: toBase64(answer.ok)}}
          : 'error' in answer
            ? {Ok: {Err: answer.error}}
            : {Err: answer.systemError};
      return call.regions.write(utf8(JSON.stringify(json)));
    },
    check_gas(): bigint {
      call.enter(0);
      return BigInt(ctx.gas.used);
    },
    gas_evaporate(amount: number): number {
      call.enter(0);
      call.charge(amount >>> 0);
      return 0;
    },
    dcap_quote_verify(quotePtr: number, collateralPtr: number): bigint {
      call.enter(WASM_GAS.dcapQuoteVerify);
      const quote = call.regions.read(quotePtr);
      const collateral = call.regions.read(collateralPtr);
      if (!ctx.host.dcapQuoteVerify) return errorCode(DCAP_UNAVAILABLE);
      const {error, result: verdict} = ctx.host.dcapQuoteVerify(quote, collateral);
      return (BigInt(error >>> 0) << 32n) | BigInt(verdict >>> 0);
    },
  };
}
