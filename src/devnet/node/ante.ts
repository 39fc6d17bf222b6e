/**
 * The ante handler ("CheckTx", `secret-lcd-devnet.md` §7 steps 1–7): decodes a tx, checks its one signer (account,
 * sign mode, sequence, signature, fee, gas for the tx size) and validates every message (contract exists, input
 * decrypts for the right code hash, addresses and coins valid), all without changing state, so that a malformed tx
 * changes nothing.
 */
import type {Coin} from '../../../contracts/common/types.js';
import {toBase64, toHex} from '../../../contracts/common/encoding.js';
import {
  addressFromBytes,
  isSecretAddress,
  pubkeyToAddress,
  verifySecp256k1Sha256,
  SECP256K1_PUBKEY_LENGTH,
  type IoKey,
} from '../crypto.js';
import type {AccountRecord, Store} from '../store.js';
import {validateContract} from '../../lib/contracts/validate.js';
import {unpackWasm, VmError} from '../vm/index.js';
import {
  AuthInfo,
  MsgExecuteContract,
  MsgInstantiateContract,
  MsgSend,
  MsgStoreCode,
  PubKey,
  SignDoc,
  TxBody,
  TxRaw,
  SIGN_MODE_DIRECT,
  SIGN_MODE_NAMES,
  TYPE_URL,
  type Any,
} from './codec.js';
import {
  GAS,
  MAX_MEMO_CHARACTERS,
  TxError,
  emptyResponse,
  renderLog,
  validateCoins,
  type BroadcastResult,
  type DecodedMsg,
  type DecodedTx,
  type OpenedInput,
  type RawMsg,
} from './types.js';

/** What the ante handler reads of the node. */
export interface AnteContext {
  readonly store: Store;
  readonly chainId: string;
  readonly io: IoKey;
  /** Height of the last block. */
  readonly height: number;
}

/** A tx that passed CheckTx, ready for DeliverTx. */
export interface CheckedTx {
  ok: true;
  tx: DecodedTx;
  account: AccountRecord;
  msgs: DecodedMsg[];
}

/** CheckTx over the node's current state. */
export class Ante {
  constructor(private readonly node: AnteContext) {}

  /** CheckTx: decode, ante checks, message validation; no state change. */
  check(txBytes: Uint8Array, txhash: string): CheckedTx | {ok: false; result: BroadcastResult} {
    try {
      if (this.node.store.hasTx(txhash)) throw new TxError(19, 'sdk', 'tx already exists in cache', false);
      const tx = this.decodeTx(txBytes, txhash);
      const account = this.checkSigner(tx, false);
      const msgs = this.validateMessages(tx);
      return {ok: true, tx, account, msgs};
    } catch (err) {
      if (!(err instanceof TxError)) throw err;
      return {ok: false, result: {txhash, checkTx: emptyResponse(txhash, err.code, err.codespace, renderLog(err, -1))}};
    }
  }

  /** §7 step 1: decode TxRaw, TxBody, AuthInfo; one secp256k1 signer; code 2 on any decoding failure. */
  decodeTx(txBytes: Uint8Array, hash: string): DecodedTx {
    let raw: ReturnType<typeof TxRaw.decode>;
    let body: ReturnType<typeof TxBody.decode>;
    let authInfo: ReturnType<typeof AuthInfo.decode>;
    try {
      raw = TxRaw.decode(txBytes);
      body = TxBody.decode(raw.body_bytes);
      authInfo = AuthInfo.decode(raw.auth_info_bytes);
    } catch (err) {
      throw new TxError(2, 'sdk', `${(err as Error).message}: tx parse error`, false);
    }
    if (body.messages.length === 0) throw new TxError(18, 'sdk', 'must contain at least one message: invalid request', false);
    if (body.memo.length > MAX_MEMO_CHARACTERS) {
      throw new TxError(12, 'sdk', `maximum number of characters is ${MAX_MEMO_CHARACTERS} but received ${body.memo.length} characters: memo too large`, false);
    }
    const timeoutHeight = Number(body.timeout_height);
    if (timeoutHeight > 0 && timeoutHeight <= this.node.height) {
      throw new TxError(30, 'sdk', `tx timeout height; current height: ${this.node.height + 1}, timeout height: ${timeoutHeight}: tx timeout height`, false);
    }
    if (authInfo.signer_infos.length !== 1) {
      throw new TxError(4, 'sdk', `wrong number of signers; expected 1, got ${authInfo.signer_infos.length}: unauthorized`, false);
    }
    if (raw.signatures.length !== 1) {
      throw new TxError(4, 'sdk', `wrong number of signatures; expected 1, got ${raw.signatures.length}: unauthorized`, false);
    }
    const signerInfo = authInfo.signer_infos[0]!;
    const pk = signerInfo.public_key;
    if (!pk || pk.type_url !== TYPE_URL.secp256k1PubKey) {
      throw new TxError(8, 'sdk', `unsupported public key type ${pk?.type_url ?? '(none)'}: invalid pubkey`, false);
    }
    let pubkey: Uint8Array;
    try {
      pubkey = PubKey.decode(pk.value).key;
    } catch (err) {
      throw new TxError(2, 'sdk', `${(err as Error).message}: tx parse error`, false);
    }
    if (pubkey.length !== SECP256K1_PUBKEY_LENGTH) {
      throw new TxError(8, 'sdk', `secp256k1 public key must be ${SECP256K1_PUBKEY_LENGTH} bytes: invalid pubkey`, false);
    }
    const fee = authInfo.fee;
    const gasLimit = Number(fee?.gas_limit ?? '0');
    const feeCoins = (fee?.amount ?? []).filter((c) => c.amount !== '0');
    const signMode = signerInfo.mode_info?.single?.mode ?? -1;
    const txJson = {
      body: {
        messages: [] as unknown[],
        memo: body.memo,
        timeout_height: body.timeout_height,
        extension_options: [],
        non_critical_extension_options: [],
      },
      auth_info: {
        signer_infos: [
          {
            public_key: {'@type': TYPE_URL.secp256k1PubKey, key: toBase64(pubkey)},
            mode_info: {single: {mode: SIGN_MODE_NAMES[signMode] ?? String(signMode)}},
            sequence: signerInfo.sequence,
          },
        ],
        fee: {amount: fee?.amount ?? [], gas_limit: fee?.gas_limit ?? '0', payer: fee?.payer ?? '', granter: fee?.granter ?? ''},
        tip: null,
      },
      signatures: [toBase64(raw.signatures[0]!)],
    };
    return {
      hash,
      bodyBytes: raw.body_bytes,
      authInfoBytes: raw.auth_info_bytes,
      signature: raw.signatures[0]!,
      pubkey,
      signer: pubkeyToAddress(pubkey),
      sequence: Number(signerInfo.sequence),
      signMode,
      fee: feeCoins,
      gasLimit,
      memo: body.memo,
      timeoutHeight: body.timeout_height,
      messages: body.messages.map((any) => this.decodeMessage(any)),
      txJson,
    };
  }

  /**
   * §7 steps 2–7: account exists (9), every message signer is the key's address (8), SIGN_MODE_DIRECT (4), sequence
   * (32), signature over SHA-256(SignDoc) with this chain id and the account number (4), fee ≤ balance (5), gas for
   * the tx bytes (11). `simulation` skips the sign-mode, sequence and signature checks.
   */
  checkSigner(tx: DecodedTx, simulation: boolean): AccountRecord {
    const account = this.node.store.getAccount(tx.signer);
    if (!account) throw new TxError(9, 'sdk', `account ${tx.signer} not found: unknown address`, false);
    for (const raw of tx.messages) {
      const msgSigner = raw.signer;
      if (msgSigner !== tx.signer) {
        throw new TxError(8, 'sdk', `pubKey does not match signer address ${msgSigner} with signer index: 0: invalid pubkey`, false);
      }
    }
    if (!simulation) {
      if (tx.signMode !== SIGN_MODE_DIRECT) {
        const name = SIGN_MODE_NAMES[tx.signMode] ?? String(tx.signMode);
        throw new TxError(4, 'sdk', `sign mode ${name} is not supported by the devnet (SIGN_MODE_DIRECT only): unauthorized`, false);
      }
      if (tx.sequence !== account.sequence) {
        throw new TxError(
          32,
          'sdk',
          `account sequence mismatch, expected ${account.sequence}, got ${tx.sequence}: incorrect account sequence`,
          false,
        );
      }
      if (account.pubkey && toHex(account.pubkey) !== toHex(tx.pubkey)) {
        throw new TxError(8, 'sdk', `public key does not match the account's stored key: invalid pubkey`, false);
      }
      const signBytes = SignDoc.encode({
        body_bytes: tx.bodyBytes,
        auth_info_bytes: tx.authInfoBytes,
        chain_id: this.node.chainId,
        account_number: String(account.number),
      }).finish();
      if (!verifySecp256k1Sha256(signBytes, tx.signature, tx.pubkey)) {
        throw new TxError(
          4,
          'sdk',
          `signature verification failed; please verify account number (${account.number}) and chain-id (${this.node.chainId}): unauthorized`,
          false,
        );
      }
    }
    let feeCoins: Coin[];
    try {
      feeCoins = validateCoins(tx.fee, true);
    } catch (err) {
      throw new TxError(10, 'sdk', `invalid fee: ${(err as TxError).log}`, false);
    }
    for (const c of feeCoins) {
      const have = this.node.store.getBalance(tx.signer, c.denom);
      if (have < BigInt(c.amount)) {
        throw new TxError(5, 'sdk', `${have}${c.denom} is smaller than ${c.amount}${c.denom}: insufficient funds`, false);
      }
    }
    if (!simulation) {
      const anteGas = GAS.signature + GAS.txPerByte * (tx.bodyBytes.length + tx.authInfoBytes.length + 64);
      if (tx.gasLimit < anteGas) {
        throw new TxError(
          11,
          'sdk',
          `out of gas in location: txSize; gasWanted: ${tx.gasLimit}, gasUsed: ${anteGas}: out of gas`,
          false,
        );
      }
    }
    return account;
  }

  /** Decodes a message `Any` of a type the devnet runs; code 2 for undecodable or unknown types. */
  private decodeMessage(any: Any): RawMsg {
    try {
      switch (any.type_url) {
        case TYPE_URL.execute: {
          const m = MsgExecuteContract.decode(any.value);
          return {type: 'execute', signer: addressFromBytes(m.sender), m};
        }
        case TYPE_URL.instantiate: {
          const m = MsgInstantiateContract.decode(any.value);
          return {type: 'instantiate', signer: addressFromBytes(m.sender), m};
        }
        case TYPE_URL.send: {
          const m = MsgSend.decode(any.value);
          return {type: 'send', signer: m.from_address, m};
        }
        case TYPE_URL.storeCode: {
          const m = MsgStoreCode.decode(any.value);
          return {type: 'storeCode', signer: addressFromBytes(m.sender), m};
        }
      }
    } catch (err) {
      throw new TxError(2, 'sdk', `${(err as Error).message}: tx parse error`, false);
    }
    throw new TxError(2, 'sdk', `unable to resolve type URL ${any.type_url}: tx parse error`, false);
  }

  /** Opens an encrypted contract input for a contract with `codeHash` (§4), code 3/2 on failure. */
  private openInput(bytes: Uint8Array, codeHash: string, op: 'execute' | 'instantiate'): OpenedInput {
    const code = op === 'execute' ? 3 : 2;
    let opened: ReturnType<IoKey['openInput']>;
    try {
      opened = this.node.io.openInput(bytes);
    } catch (err) {
      throw new TxError(code, 'compute', `failed to decrypt data: ${(err as Error).message}: ${op} contract failed`);
    }
    if (opened.codeHash.toLowerCase() !== codeHash) {
      throw new TxError(
        code,
        'compute',
        `failed to validate transaction: code hash ${opened.codeHash} does not match the contract's code hash ${codeHash}: ${op} contract failed`,
      );
    }
    let msg: unknown;
    try {
      msg = JSON.parse(opened.json);
    } catch (err) {
      throw new TxError(code, 'compute', `failed to parse the message as JSON: ${(err as Error).message}: ${op} contract failed`);
    }
    return {cipher: opened.cipher, msg, text: opened.json, length: opened.json.length};
  }

  /**
   * Decodes and validates every message without changing state: contract exists, input decrypts, code hash
   * matches, JSON parses, addresses and coins valid. Failures reject the tx at CheckTx.
   */
  validateMessages(tx: DecodedTx): DecodedMsg[] {
    const out: DecodedMsg[] = [];
    const labels = new Set<string>();
    tx.messages.forEach((raw, i) => {
      try {
        out.push(this.validateMessage(raw, labels));
      } catch (err) {
        if (err instanceof TxError) {
          throw new TxError(err.code, err.codespace, renderLog(err, i), false);
        }
        throw err;
      }
    });
    (tx.txJson.body as {messages: unknown[]}).messages = out.map((m) => m.json);
    return out;
  }

  /** `MsgStoreCode`: the code unzips, is at most 2 MiB and passes the wasm validator. */
  private validateStoreCode(raw: Extract<RawMsg, {type: 'storeCode'}>): DecodedMsg {
    const {m, signer} = raw;
    const json = {
      '@type': TYPE_URL.storeCode,
      sender: signer,
      wasm_byte_code: toBase64(m.wasm_byte_code),
      source: m.source,
      builder: m.builder,
    };
    if (m.wasm_byte_code.length === 0) throw new TxError(13, 'compute', 'wasm code is empty: invalid');
    const checked = validateContract(m.wasm_byte_code);
    if (!checked.ok) {
      const problems = checked.violations.map((v) => `${v.rule}: ${v.message}`).join('; ');
      throw new TxError(13, 'compute', `invalid wasm: ${problems}: create wasm contract failed`);
    }
    let wasm: Uint8Array;
    try {
      wasm = unpackWasm(m.wasm_byte_code);
    } catch (err) {
      throw new TxError(13, 'compute', `${(err as VmError).message}: create wasm contract failed`);
    }
    return {kind: 'storeCode', signer, wasm, codeHash: checked.codeHash!, source: m.source, builder: m.builder, json};
  }

  private validateMessage(raw: RawMsg, labels: Set<string>): DecodedMsg {
    if (raw.type === 'execute') {
      const {m, signer} = raw;
      let contractAddr: string;
      try {
        contractAddr = addressFromBytes(m.contract);
      } catch {
        throw new TxError(7, 'sdk', 'contract address is not 20 bytes: invalid address');
      }
      const funds = validateCoins(m.sent_funds, true);
      const json = {
        '@type': TYPE_URL.execute,
        sender: signer,
        contract: contractAddr,
        msg: toBase64(m.msg),
        callback_code_hash: m.callback_code_hash,
        sent_funds: m.sent_funds,
        callback_sig: m.callback_sig.length ? toBase64(m.callback_sig) : null,
      };
      const contract = this.node.store.getContract(contractAddr);
      if (!contract) throw new TxError(9, 'compute', `contract ${contractAddr} not found: not found`);
      const input = this.openInput(m.msg, contract.codeHash, 'execute');
      return {kind: 'execute', signer, contract, funds, input, json};
    }
    if (raw.type === 'instantiate') {
      const {m, signer} = raw;
      const funds = validateCoins(m.init_funds, true);
      const json = {
        '@type': TYPE_URL.instantiate,
        sender: signer,
        callback_code_hash: m.callback_code_hash,
        code_id: m.code_id,
        label: m.label,
        init_msg: toBase64(m.init_msg),
        init_funds: m.init_funds,
        callback_sig: m.callback_sig.length ? toBase64(m.callback_sig) : null,
        admin: m.admin,
      };
      const codeId = Number(m.code_id);
      const code = Number.isSafeInteger(codeId) ? this.node.store.getCode(codeId) : undefined;
      if (!code) throw new TxError(9, 'compute', `code id ${m.code_id} not found: not found`);
      if (!m.label.trim()) throw new TxError(13, 'compute', 'label is required: invalid');
      if (this.node.store.getContractByLabel(m.label) || labels.has(m.label)) {
        throw new TxError(6, 'compute', `label ${JSON.stringify(m.label)} already exists: contract account already exists`);
      }
      labels.add(m.label);
      if (m.admin && !isSecretAddress(m.admin)) throw new TxError(7, 'sdk', `admin ${m.admin}: invalid address`);
      const input = this.openInput(m.init_msg, code.codeHash, 'instantiate');
      return {
        kind: 'instantiate',
        signer,
        codeId,
        codeHash: code.codeHash,
        label: m.label,
        admin: m.admin,
        funds,
        input,
        json,
      };
    }
    if (raw.type === 'storeCode') return this.validateStoreCode(raw);
    const {m} = raw;
    if (!isSecretAddress(m.from_address)) throw new TxError(7, 'sdk', `from address ${m.from_address}: invalid address`);
    if (!isSecretAddress(m.to_address)) throw new TxError(7, 'sdk', `to address ${m.to_address}: invalid address`);
    const amount = validateCoins(m.amount, false);
    const json = {'@type': TYPE_URL.send, from_address: m.from_address, to_address: m.to_address, amount: m.amount};
    return {kind: 'send', signer: m.from_address, to: m.to_address, amount, json};
  }
}
