/**
 * The signing chain client: a wallet from a mnemonic, with an encryption seed derived from the key so that a later
 * process with the same key can decrypt its own past txs (`secret-lcd-devnet.md` §3a). It loads the whole secretjs;
 * the key is derived and txs are signed on Node's native crypto ({@link NativeWallet}).
 *
 * Quirks handled here (§3, §8, §10): failed txs that do not throw; the `data` of an execute wrapped in
 * `MsgExecuteContractResponse`; secretjs's 6 s poll interval and 25 000 default gas; sequence mismatches.
 */
import {concatBytes, sha256, sha256Hex, utf8} from '../../../contracts/common/encoding.js';
import type {SecretNetworkClient, TxOptions, TxResponse} from 'secretjs';
import {SecretaiError, UsageError} from '../errors.js';
import {deriveAccount} from '../keys/hd.js';
import {normalizeMnemonic} from '../keys/index.js';
import {parseAddress} from './address.js';
import {USCRT, type Coin} from './amounts.js';
import {BroadcastRejectedError, normalizeChainError, TxFailedError, TxTimeoutError, type ChainErrorContext} from './errors.js';
import {GAS_LIMITS, gasForStoreCode} from './gas.js';
import {ChainClient, checkCodeHash, type ChainClientOptions, type ClientProfile, type ContractRef} from './read-client.js';
import type {Secretjs} from './secretjs.js';
import {NativeWallet} from './signer.js';
import {MSG_EXECUTE_CONTRACT, MSG_SEND, toTxResult, type ChainEvent, type TxResult} from './tx-results.js';

/** Domain tag of the tx encryption seed: seed = SHA-256(tag ‖ secp256k1 private key). */
export const ENCRYPTION_SEED_TAG = 'secretai/v1/tx-encryption-seed';

/** A message of a tx, in the CLI's own terms. */
export type TxMsg =
  | {type: 'execute'; contract: ContractRef; msg: object; funds?: Coin[]}
  | {type: 'send'; to: string; amount: Coin[]}
  /** Upload contract code (wasm, or gzip-compressed wasm). */
  | {type: 'store'; wasm: Uint8Array; source?: string; builder?: string}
  /** Instantiate stored code; `label` must be unique on the chain. */
  | {type: 'instantiate'; codeId: number; codeHash: string; msg: object; label: string; funds?: Coin[]; admin?: string};

/** Protobuf type URL of `MsgStoreCode` (upload contract code). */
export const MSG_STORE_CODE = '/secret.compute.v1beta1.MsgStoreCode';
/** Protobuf type URL of `MsgInstantiateContract`. */
export const MSG_INSTANTIATE_CONTRACT = '/secret.compute.v1beta1.MsgInstantiateContract';

const MSG_TYPE_URLS: Record<TxMsg['type'], string> = {
  execute: MSG_EXECUTE_CONTRACT,
  send: MSG_SEND,
  store: MSG_STORE_CODE,
  instantiate: MSG_INSTANTIATE_CONTRACT,
};

/** Options of a signed tx. */
export interface TxSettings {
  /** Gas limit (gas units). Default: {@link GAS_LIMITS.execute} per contract message, {@link GAS_LIMITS.bankSend} per send. */
  gasLimit?: number;
  /** Tx memo (public, plaintext). */
  memo?: string;
  /** Use this account sequence instead of asking the node (batching, tests). */
  sequence?: number;
  /** How many times to re-sign with the sequence the node expects after a sequence mismatch (default 1). */
  sequenceRetries?: number;
}

/** Result of one contract execute. */
export interface ExecuteResult<R> {
  txHash: string;
  height: number;
  /** The contract's answer (parsed JSON, padding removed). */
  data: R;
  events: ChainEvent[];
  gasUsed: number;
}

/**
 * A client with a wallet: everything {@link ChainClient} does, plus signing. Its queries and txs share one
 * encryption context, whose consensus IO key is always asked of the node (never a remembered one).
 */
export class SigningClient extends ChainClient {
  /** The signer's `secret1…` address. */
  readonly address: string;
  /** 33-byte compressed secp256k1 public key of the signer. */
  readonly publicKey: Uint8Array;

  constructor(profile: ClientProfile, wallet: NativeWallet, seed: Uint8Array, opts: ChainClientOptions = {}) {
    super(profile, opts, {wallet, seed});
    this.address = wallet.address;
    this.publicKey = wallet.publicKey;
  }

  protected override errorContext(action?: string, extra: Partial<ChainErrorContext> = {}): ChainErrorContext {
    return {...super.errorContext(action, extra), signer: this.address};
  }

  /** The underlying SecretNetworkClient (permit signing). Not for general use: go through the typed methods. */
  async secretjsClient(): Promise<SecretNetworkClient> {
    return (await this.start()).client;
  }

  /**
   * Signs and broadcasts `msgs` as ONE tx (all succeed or none), waits for it and returns the result.
   * CheckTx rejections → {@link BroadcastRejectedError} (a sequence mismatch is retried with the expected
   * sequence, `sequenceRetries` times); a failed tx → {@link TxFailedError} with the decrypted log.
   */
  async broadcast(msgs: TxMsg[], settings: TxSettings = {}): Promise<TxResult> {
    if (msgs.length === 0) throw new UsageError('a transaction needs at least one message', {code: 'TX_EMPTY'});
    const {sjs, client} = await this.start();
    const sdkMsgs = msgs.map((m) => this.toSdkMsg(sjs, m));
    const types = msgs.map((m) => MSG_TYPE_URLS[m.type]);
    const gasLimit = settings.gasLimit ?? defaultGas(msgs);
    if (!Number.isSafeInteger(gasLimit) || gasLimit <= 0) throw new UsageError(`invalid gas limit ${gasLimit}`, {code: 'GAS_INVALID'});
    const action = `broadcast ${describeMsgs(msgs)}`;
    let retries = settings.sequenceRetries ?? 1;
    let sequence = settings.sequence;
    for (;;) {
      const txOptions: TxOptions = {
        gasLimit,
        gasPriceInFeeDenom: Number(this.gasPrice),
        feeDenom: USCRT,
        memo: settings.memo ?? '',
        broadcastTimeoutMs: this.timing.broadcastTimeoutMs,
        broadcastCheckIntervalMs: this.timing.broadcastCheckIntervalMs,
        waitForCommit: true,
      };
      if (sequence !== undefined) txOptions.explicitSignerData = await this.signerData(sequence);
      let txBytes: Uint8Array;
      try {
        txBytes = await client.tx.signTx(sdkMsgs, txOptions);
      } catch (err) {
        this.fail(err, `sign ${describeMsgs(msgs)}`);
      }
      const txHash = sha256Hex(txBytes).toUpperCase();
      let res: TxResponse;
      try {
        res = await client.tx.broadcastSignedTx(txBytes, txOptions);
      } catch (err) {
        const e = normalizeChainError(err, this.errorContext(action, {txHash}));
        if (e instanceof BroadcastRejectedError && e.code === 'SEQUENCE_MISMATCH' && e.expectedSequence !== undefined && retries > 0) {
          retries--;
          sequence = e.expectedSequence;
          continue;
        }
        if (e instanceof TxTimeoutError) throw e;
        if (e instanceof SecretaiError && e.exitCode === 3) {
          // The node went away after the tx may have been accepted: say which tx to look for.
          throw Object.assign(e, {details: {...((e as {details?: object}).details ?? {}), txHash}});
        }
        throw e;
      }
      if (res.code !== 0) {
        throw new TxFailedError({txHash: res.transactionHash ?? txHash, code: res.code, codespace: res.codespace ?? '', rawLog: res.rawLog ?? '', height: res.height, gasUsed: res.gasUsed, gasWanted: res.gasWanted});
      }
      return toTxResult(sjs, res, types);
    }
  }

  /** Executes one contract message; returns the contract's decoded answer. */
  async execute<R = unknown>(contract: ContractRef, msg: object, opts: {funds?: Coin[]} & TxSettings = {}): Promise<ExecuteResult<R>> {
    const {funds, ...settings} = opts;
    const r = await this.broadcast([{type: 'execute', contract, msg, funds}], settings);
    return {txHash: r.txHash, height: r.height, data: r.data[0] as R, events: r.events, gasUsed: r.gasUsed};
  }

  /** Sends native coins (`MsgSend`). `amount` in uscrt. */
  async send(to: string, amount: bigint | Coin[], settings: TxSettings = {}): Promise<TxResult> {
    const coins = Array.isArray(amount) ? amount : [{denom: USCRT, amount: amount.toString()}];
    return this.broadcast([{type: 'send', to, amount: coins}], {gasLimit: GAS_LIMITS.bankSend, ...settings});
  }

  /** Broadcasts without waiting for a block; returns the tx hash (follow with {@link waitForTx}). */
  async broadcastNoWait(msgs: TxMsg[], settings: TxSettings = {}): Promise<{txHash: string}> {
    const {sjs, client} = await this.start();
    const sdkMsgs = msgs.map((m) => this.toSdkMsg(sjs, m));
    const txOptions: TxOptions = {gasLimit: settings.gasLimit ?? defaultGas(msgs), gasPriceInFeeDenom: Number(this.gasPrice), feeDenom: USCRT, memo: settings.memo ?? '', waitForCommit: false};
    if (settings.sequence !== undefined) txOptions.explicitSignerData = await this.signerData(settings.sequence);
    try {
      const bytes = await client.tx.signTx(sdkMsgs, txOptions);
      const txHash = sha256Hex(bytes).toUpperCase();
      await client.tx.broadcastSignedTx(bytes, txOptions);
      return {txHash};
    } catch (err) {
      this.fail(err, `broadcast ${describeMsgs(msgs)}`);
    }
  }

  /** Signer data for an explicit `sequence` (the account number asked of the node). */
  private async signerData(sequence: number): Promise<NonNullable<TxOptions['explicitSignerData']>> {
    const acct = await this.account(this.address);
    return {accountNumber: acct?.accountNumber ?? 0, sequence, chainId: this.network.chainId};
  }

  private toSdkMsg(sjs: Secretjs, m: TxMsg) {
    if (m.type === 'execute') {
      const codeHash = checkCodeHash(m.contract);
      return new sjs.MsgExecuteContract({
        sender: this.address,
        contract_address: parseAddress(m.contract.address, 'contract address'),
        code_hash: codeHash,
        msg: m.msg,
        sent_funds: m.funds ?? [],
      });
    }
    if (m.type === 'store') return new sjs.MsgStoreCode({sender: this.address, wasm_byte_code: m.wasm, source: m.source ?? '', builder: m.builder ?? ''});
    if (m.type === 'instantiate') {
      return new sjs.MsgInstantiateContract({
        sender: this.address,
        code_id: m.codeId,
        code_hash: checkCodeHash({address: `code ${m.codeId}`, codeHash: m.codeHash}),
        init_msg: m.msg,
        label: m.label,
        init_funds: m.funds ?? [],
        ...(m.admin ? {admin: parseAddress(m.admin, 'contract admin')} : {}),
      });
    }
    return new sjs.MsgSend({from_address: this.address, to_address: parseAddress(m.to, 'recipient'), amount: m.amount});
  }
}

/** Default gas limit of a tx: per message kind, and for code uploads per byte. */
function defaultGas(msgs: TxMsg[]): number {
  return msgs.reduce((g, m) => g + defaultMsgGas(m), 0);
}

function defaultMsgGas(m: TxMsg): number {
  if (m.type === 'store') return gasForStoreCode(m.wasm.length);
  if (m.type === 'instantiate') return GAS_LIMITS.instantiate;
  return m.type === 'execute' ? GAS_LIMITS.execute : GAS_LIMITS.bankSend;
}

function describeMsgs(msgs: TxMsg[]): string {
  return msgs
    .map((m) => (m.type === 'execute' ? Object.keys(m.msg)[0] ?? 'execute' : m.type === 'instantiate' ? `instantiate ${m.label}` : m.type === 'store' ? 'store code' : 'send'))
    .join(', ');
}

/** The tx encryption seed of a wallet: SHA-256(`secretai/v1/tx-encryption-seed` ‖ private key), 32 bytes. */
export function encryptionSeedFor(privateKey: Uint8Array): Uint8Array {
  return sha256(concatBytes(utf8(ENCRYPTION_SEED_TAG), privateKey));
}

/**
 * A signing client for a profile and a BIP-39 mnemonic (path m/44'/529'/0'/0/0). The tx encryption seed is derived
 * from the key ({@link encryptionSeedFor}), so the same key decrypts its own txs in any later process.
 */
export async function signingClient(profile: ClientProfile, mnemonic: string, opts: ChainClientOptions = {}): Promise<SigningClient> {
  // Derivation takes any words: check them first (BIP-39 word list and checksum).
  const words = await normalizeMnemonic(mnemonic);
  let wallet: NativeWallet;
  let privateKey: Uint8Array;
  try {
    ({privateKey} = deriveAccount(words));
    wallet = new NativeWallet(privateKey);
  } catch {
    // A path with no valid key (probability ~2^-127). Never echo the mnemonic.
    throw new UsageError('the key\'s mnemonic is not valid', {code: 'MNEMONIC_INVALID'});
  }
  return new SigningClient(profile, wallet, encryptionSeedFor(privateKey), opts);
}
