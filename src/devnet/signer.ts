/**
 * The devnet's own in-process signer: builds, encrypts and signs txs exactly as secretjs does (SIGN_MODE_DIRECT,
 * §4 encryption) and runs them through the node's `broadcast`, so genesis deployment and the faucet use the same
 * execution engine as every client.
 */
import {randomBytes} from 'node:crypto';
import type {Coin} from '../../contracts/common/types.js';
import {concatBytes, fromBase64, fromHex, sha256, utf8} from '../../contracts/common/encoding.js';
import {
  addressBytes,
  encryptContractInput,
  generateX25519KeyPair,
  privateKeyFromMnemonic,
  pubkeyToAddress,
  secp256k1PublicKey,
  signSecp256k1Sha256,
  type AesSiv,
  type X25519KeyPair,
} from './crypto.js';
import {
  AuthInfo,
  MsgExecuteContract,
  MsgExecuteContractResponse,
  MsgInstantiateContract,
  MsgInstantiateContractResponse,
  MsgSend,
  MsgStoreCode,
  MsgStoreCodeResponse,
  PubKey,
  SignDoc,
  TxBody,
  TxMsgData,
  TxRaw,
  SIGN_MODE_DIRECT,
  TYPE_URL,
  type Any,
} from './node/codec.js';
import type {DevnetNode, TxResponseJson} from './node/index.js';

/** A contract's address and code hash. */
export interface ContractRef {
  address: string;
  /** 64 lower-case hex characters. */
  codeHash: string;
}

/** A message ready to be signed, with the cipher of its encrypted input (contract messages). */
export interface PreparedMsg {
  any: Any;
  cipher?: AesSiv;
}

/** Result of {@link DevSigner.run}. */
export interface RunResult {
  txhash: string;
  height: number;
  /** Per message: the decrypted contract answer (parsed JSON) or undefined. */
  answers: unknown[];
  /** Per message: the new contract address for instantiate messages. */
  addresses: Array<string | undefined>;
  /** Per message: the new code id for store-code messages. */
  codeIds: Array<number | undefined>;
  response: TxResponseJson;
}

/** A devnet-internal tx that the chain rejected or that failed; `rawLog` has contract errors decrypted. */
export class DevTxError extends Error {
  constructor(
    readonly code: number,
    readonly codespace: string,
    readonly rawLog: string,
  ) {
    super(`devnet tx failed with code ${code} (${codespace}): ${rawLog}`);
    this.name = 'DevTxError';
  }
}

/** Gas limit of devnet-internal txs (no fee is paid). */
const INTERNAL_GAS_LIMIT = 50_000_000;

/** Signs txs for one secp256k1 key (a fixed development account). */
export class DevSigner {
  readonly address: string;
  readonly pubkey: Uint8Array;
  private readonly privateKey: Uint8Array;
  private readonly encryption: X25519KeyPair;

  constructor(privateKey: Uint8Array) {
    this.pubkey = secp256k1PublicKey(privateKey);
    this.address = pubkeyToAddress(this.pubkey);
    this.privateKey = new Uint8Array(privateKey);
    // A stable encryption key pair per signer, like secretjs's `encryptionSeed`.
    this.encryption = generateX25519KeyPair(sha256(concatBytes(utf8('secretai-devnet/io-seed'), privateKey)));
  }

  /** Signer of a BIP-39 mnemonic at Secret's path `m/44'/529'/0'/0/0`. */
  static fromMnemonic(mnemonic: string): DevSigner {
    return new DevSigner(privateKeyFromMnemonic(mnemonic));
  }

  /** `MsgExecuteContract` with the input encrypted for the chain's IO key. */
  execute(node: DevnetNode, contract: ContractRef, msg: unknown, funds: Coin[] = []): PreparedMsg {
    const {envelope, cipher} = encryptContractInput(node.ioPublicKey, this.encryption, contract.codeHash, msg);
    const value = MsgExecuteContract.encode(
      MsgExecuteContract.fromPartial({
        sender: addressBytes(this.address),
        contract: addressBytes(contract.address),
        msg: envelope,
        callback_code_hash: '',
        sent_funds: funds,
        callback_sig: new Uint8Array(0),
      }),
    ).finish();
    return {any: {type_url: TYPE_URL.execute, value}, cipher};
  }

  /** `MsgInstantiateContract` with the init message encrypted for the chain's IO key. */
  instantiate(node: DevnetNode, codeId: number, codeHash: string, label: string, msg: unknown, admin = ''): PreparedMsg {
    const {envelope, cipher} = encryptContractInput(node.ioPublicKey, this.encryption, codeHash, msg);
    const value = MsgInstantiateContract.encode(
      MsgInstantiateContract.fromPartial({
        sender: addressBytes(this.address),
        callback_code_hash: '',
        code_id: String(codeId),
        label,
        init_msg: envelope,
        init_funds: [],
        callback_sig: new Uint8Array(0),
        admin,
      }),
    ).finish();
    return {any: {type_url: TYPE_URL.instantiate, value}, cipher};
  }

  /** `MsgStoreCode` of wasm (raw or gzipped) from this account. */
  storeCode(wasm: Uint8Array, source = '', builder = ''): PreparedMsg {
    const value = MsgStoreCode.encode({sender: addressBytes(this.address), wasm_byte_code: wasm, source, builder}).finish();
    return {any: {type_url: TYPE_URL.storeCode, value}};
  }

  /** `MsgSend` from this account. */
  send(to: string, amount: Coin[]): PreparedMsg {
    const value = MsgSend.encode({from_address: this.address, to_address: to, amount}).finish();
    return {any: {type_url: TYPE_URL.send, value}};
  }

  /** Signs messages into `TxRaw` bytes for the chain's id and this account's number and sequence. */
  sign(node: DevnetNode, messages: Any[], options: {gasLimit?: number; memo?: string; fee?: Coin[]} = {}): Uint8Array {
    const account = node.account(this.address);
    if (!account) throw new Error(`account ${this.address} does not exist on the devnet`);
    const bodyBytes = TxBody.encode(
      TxBody.fromPartial({messages, memo: options.memo ?? '', timeout_height: '0'}),
    ).finish();
    const authInfoBytes = AuthInfo.encode(
      AuthInfo.fromPartial({
        signer_infos: [
          {
            public_key: {type_url: TYPE_URL.secp256k1PubKey, value: PubKey.encode({key: this.pubkey}).finish()},
            mode_info: {single: {mode: SIGN_MODE_DIRECT}},
            sequence: String(account.sequence),
          },
        ],
        fee: {amount: options.fee ?? [], gas_limit: String(options.gasLimit ?? INTERNAL_GAS_LIMIT), payer: '', granter: ''},
      }),
    ).finish();
    const signBytes = SignDoc.encode({
      body_bytes: bodyBytes,
      auth_info_bytes: authInfoBytes,
      chain_id: node.chainId,
      account_number: String(account.number),
    }).finish();
    const signature = signSecp256k1Sha256(signBytes, this.privateKey);
    return TxRaw.encode({body_bytes: bodyBytes, auth_info_bytes: authInfoBytes, signatures: [signature]}).finish();
  }

  /**
   * Signs, broadcasts and commits messages; returns decrypted answers. Throws {@link DevTxError} (contract errors
   * decrypted) when the tx is rejected or fails.
   */
  run(node: DevnetNode, msgs: PreparedMsg[], options: {gasLimit?: number; memo?: string} = {}): RunResult {
    const bytes = this.sign(
      node,
      msgs.map((m) => m.any),
      options,
    );
    const result = node.broadcast(bytes);
    const response = result.deliverTx ?? result.checkTx;
    if (response.code !== 0) {
      throw new DevTxError(response.code, response.codespace, decryptRawLog(response.raw_log, msgs));
    }
    const msgData = TxMsgData.decode(fromHex(response.data));
    const answers: unknown[] = [];
    const addresses: Array<string | undefined> = [];
    const codeIds: Array<number | undefined> = [];
    msgData.msg_responses.forEach((any, i) => {
      const cipher = msgs[i]?.cipher;
      codeIds.push(any.type_url === TYPE_URL.storeCodeResponse ? Number(MsgStoreCodeResponse.decode(any.value).code_id) : undefined);
      let encrypted: Uint8Array | undefined;
      if (any.type_url === TYPE_URL.executeResponse) {
        encrypted = MsgExecuteContractResponse.decode(any.value).data;
        addresses.push(undefined);
      } else if (any.type_url === TYPE_URL.instantiateResponse) {
        const decoded = MsgInstantiateContractResponse.decode(any.value);
        encrypted = decoded.data;
        addresses.push(decoded.address);
      } else {
        addresses.push(undefined);
      }
      answers.push(cipher && encrypted?.length ? decryptAnswer(cipher, encrypted) : undefined);
    });
    return {txhash: result.txhash, height: Number(response.height), answers, addresses, codeIds, response};
  }
}

/** Decrypts a contract answer: AES-SIV → ASCII base64 → JSON. */
export function decryptAnswer(cipher: AesSiv, encrypted: Uint8Array): unknown {
  const base64 = Buffer.from(cipher.open(encrypted)).toString('utf8');
  const json = Buffer.from(fromBase64(base64)).toString('utf8');
  return json.length ? JSON.parse(json) : undefined;
}

/** Replaces `encrypted: <b64>` in a raw log with the plaintext, using the cipher of the failing message. */
export function decryptRawLog(rawLog: string, msgs: PreparedMsg[]): string {
  const m = /message index: (\d+):(?: dispatch: submessages:)* encrypted: (.+?): (?:instantiate|execute|query|reply to|migrate) contract failed/.exec(
    rawLog,
  );
  if (!m) return rawLog;
  const cipher = msgs[Number(m[1])]?.cipher;
  if (!cipher) return rawLog;
  try {
    const plain = Buffer.from(cipher.open(fromBase64(m[2]!))).toString('utf8');
    return rawLog.replace(`encrypted: ${m[2]}`, plain);
  } catch {
    return rawLog;
  }
}

/** 32 random bytes as standard base64 (e.g. a SNIP-20 `prng_seed`). */
export function randomSeedBase64(): string {
  return randomBytes(32).toString('base64');
}
