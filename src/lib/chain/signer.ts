/**
 * The wallet a signing client gives secretjs's `SecretNetworkClient`: secretjs's `Wallet` interface (`address`,
 * `publicKey`, `getAccounts`, `signAmino` for permits and amino txs, `signDirect` for protobuf txs — secretjs
 * signs txs in direct mode whenever `signDirect` exists), signing on Node's native crypto instead of pure JS.
 *
 * What is signed is what secretjs's `Wallet` signs:
 * - amino: the UTF-8 of the sign doc's JSON with object keys sorted at every level and `&`, `<`, `>` written as
 *   `\u0026`, `\u003c`, `\u003e` (cosmjs `serializeSignDoc`);
 * - direct: the protobuf `cosmos.tx.v1beta1.SignDoc` {1: body bytes, 2: auth info bytes, 3: chain id,
 *   4: account number}, fields with default values left out (cosmjs `makeSignBytes`);
 * each as ECDSA secp256k1 over SHA-256, 64-byte `r ‖ s` with low S and a random nonce (secretjs's signatures are
 * random too), returned as `{pub_key: {type: "tendermint/PubKeySecp256k1", value}, signature}` (base64).
 *
 * Loading this module does not load secretjs: only its types are used.
 */
import type {Wallet} from 'secretjs';
import {canonicalJson, toBase64} from '../../../contracts/common/encoding.js';
import {pubkeyAddress} from '../keys/hd.js';
import {Secp256k1Key} from '../keys/secp256k1.js';

/** An amino sign doc (`StdSignDoc`). */
export type AminoSignDoc = Parameters<Wallet['signAmino']>[1];
export type AminoSignResponse = Awaited<ReturnType<Wallet['signAmino']>>;
/** A protobuf sign doc (`SignDoc` of cosmjs-types). */
export type DirectSignDoc = Parameters<Wallet['signDirect']>[1];
export type DirectSignResponse = Awaited<ReturnType<Wallet['signDirect']>>;
export type AccountData = Awaited<ReturnType<Wallet['getAccounts']>>[number];
type StdSignature = AminoSignResponse['signature'];

/** Amino type of a secp256k1 public key. */
export const SECP256K1_PUBKEY_TYPE = 'tendermint/PubKeySecp256k1';

/** A single-key wallet with secretjs's `Wallet` interface, signing natively. */
export class NativeWallet {
  /** bech32 address of the key. */
  readonly address: string;
  /** 33-byte compressed secp256k1 public key. */
  readonly publicKey: Uint8Array;
  readonly #key: Secp256k1Key;

  /** A wallet of a 32-byte private key (copied), with addresses of `prefix` (default `secret`). */
  constructor(privateKey: Uint8Array, prefix?: string) {
    this.#key = new Secp256k1Key(privateKey);
    this.publicKey = this.#key.publicKey;
    this.address = pubkeyAddress(this.publicKey, prefix);
  }

  async getAccounts(): Promise<readonly AccountData[]> {
    return [{address: this.address, algo: 'secp256k1', pubkey: this.publicKey}];
  }

  async signAmino(signerAddress: string, signDoc: AminoSignDoc): Promise<AminoSignResponse> {
    this.checkAddress(signerAddress);
    return {signed: signDoc, signature: this.signature(aminoSignBytes(signDoc))};
  }

  async signDirect(signerAddress: string, signDoc: DirectSignDoc): Promise<DirectSignResponse> {
    this.checkAddress(signerAddress);
    return {signed: signDoc, signature: this.signature(directSignBytes(signDoc))};
  }

  private checkAddress(address: string): void {
    if (address !== this.address) throw new Error(`Address ${address} not found in wallet`);
  }

  private signature(bytes: Uint8Array): StdSignature {
    return {pub_key: {type: SECP256K1_PUBKEY_TYPE, value: toBase64(this.publicKey)}, signature: toBase64(this.#key.signSha256Hedged(bytes))};
  }

  /** Never prints the key. */
  toJSON(): {address: string} {
    return {address: this.address};
  }
}

/** The bytes an amino signature is over (see the module comment). */
export function aminoSignBytes(signDoc: AminoSignDoc): Uint8Array {
  const json = canonicalJson(signDoc).replace(/&/g, '\\u0026').replace(/</g, '\\u003c').replace(/>/g, '\\u003e');
  return new TextEncoder().encode(json);
}

/** Protobuf varint of a non-negative integer. */
function varint(value: bigint): number[] {
  if (value < 0n || value >= 1n << 64n) throw new Error(`uint64 out of range: ${value}`);
  const out: number[] = [];
  while (value >= 0x80n) {
    out.push(Number(value & 0x7fn) | 0x80);
    value >>= 7n;
  }
  out.push(Number(value));
  return out;
}

/** The bytes a direct signature is over (see the module comment). */
export function directSignBytes(signDoc: DirectSignDoc): Uint8Array {
  const parts: Uint8Array[] = [];
  const lengthDelimited = (tag: number, bytes: Uint8Array) => {
    if (bytes.length > 0) parts.push(Uint8Array.from([tag, ...varint(BigInt(bytes.length))]), bytes);
  };
  lengthDelimited(0x0a, signDoc.bodyBytes);
  lengthDelimited(0x12, signDoc.authInfoBytes);
  lengthDelimited(0x1a, new TextEncoder().encode(signDoc.chainId));
  // A bigint in cosmjs-types 0.9; a number, string or Long elsewhere: all print as the decimal integer.
  const accountNumber = BigInt(String(signDoc.accountNumber));
  if (accountNumber !== 0n) parts.push(Uint8Array.from([0x20, ...varint(accountNumber)]));
  return new Uint8Array(Buffer.concat(parts));
}
