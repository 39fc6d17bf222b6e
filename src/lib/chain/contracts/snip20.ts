/**
 * SNIP-20 token client (`snip20-and-permits.md` §2–§4; messages from `contracts/snip20/types.ts`).
 * Amounts are base units as bigint in, decimal strings on the wire; a recipient address is checked (bech32
 * checksum) before anything is sent.
 */
import {nodeCrypto} from '../../../common/node-crypto.js';
import type * as T from '../../../../contracts/snip20/types.js';
import {UsageError} from '../../errors.js';
import {parseAddress} from '../address.js';
import {toUint128, USCRT, type Coin} from '../amounts.js';
import type {ChainClient, ExecuteResult, SigningClient, TxSettings} from '../client.js';
import {ContractClient, normalizeCodeHash, withGas, type ContractBinding} from '../contract.js';
import {ChainRequestError} from '../errors.js';
import {GAS_LIMITS} from '../gas.js';
import {getPermit, type Permit, type PermitStore} from '../permit.js';

const {randomBytes} = nodeCrypto;

export type Snip20Query = T.QueryMsg;
export type Snip20Execute = T.ExecuteMsg;
export type TokenInfo = T.TokenInfoResponse['token_info'];
export type TokenConfig = T.TokenConfigResponse['token_config'];
export type Snip20HistoryTx = T.Tx;

/** Options of an execute (gas, memo, sequence). */
export type ExecOpts = TxSettings;

function amountOf(v: bigint | string, what = 'amount'): string {
  if (typeof v === 'bigint' && v < 0n) throw new UsageError(`invalid ${what}: negative`, {code: 'AMOUNT_INVALID'});
  try {
    return toUint128(v);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`invalid ${what} "${String(v)}"`, {code: 'AMOUNT_INVALID'});
  }
}

function readAmount(answer: unknown, field: 'balance', label: string): bigint {
  const amount = (answer as {balance?: {amount?: unknown}})?.[field]?.amount;
  if (typeof amount !== 'string' || !/^[0-9]+$/.test(amount)) {
    throw new ChainRequestError(`${label} answered an unexpected balance: ${JSON.stringify(answer)?.slice(0, 200)}`, undefined, {code: 'CONTRACT_BAD_ANSWER'});
  }
  return BigInt(amount);
}

/** Base64 of the UTF-8 JSON of `msg` (the SNIP-20 `send.msg` field). */
export function encodeSendMsg(msg: unknown): string {
  return Buffer.from(JSON.stringify(msg), 'utf8').toString('base64');
}

/** Options of {@link Snip20Client.send}. */
export interface SendOptions extends ExecOpts {
  /** Recipient contract's code hash: triggers its `receive` callback. */
  recipientCodeHash?: string;
  /** Inner message for the recipient; JSON-encoded and base64'd into `send.msg`. */
  msg?: unknown;
  memo?: string;
}

/** A SNIP-20 token contract. */
export class Snip20Client extends ContractClient<Snip20Query, Snip20Execute> {
  private info?: Promise<TokenInfo>;

  constructor(chain: ChainClient, binding: ContractBinding, label = 'token') {
    super(chain, binding, label, GAS_LIMITS.snip20Transfer);
  }

  /** Name, symbol, decimals and (if public) total supply; asked once per client. */
  tokenInfo(): Promise<TokenInfo> {
    this.info ??= this.query<T.TokenInfoResponse>({token_info: {}}).then(
      (r) => {
        if (!r?.token_info || typeof r.token_info.decimals !== 'number') {
          throw new ChainRequestError(`${this.label} did not answer token_info as a SNIP-20 token`, undefined, {code: 'CONTRACT_BAD_ANSWER'});
        }
        return r.token_info;
      },
      (err) => {
        this.info = undefined;
        throw err;
      },
    );
    return this.info;
  }

  async tokenConfig(): Promise<TokenConfig> {
    return (await this.query<T.TokenConfigResponse>({token_config: {}})).token_config;
  }

  async exchangeRate(): Promise<T.ExchangeRateResponse['exchange_rate']> {
    return (await this.query<T.ExchangeRateResponse>({exchange_rate: {}})).exchange_rate;
  }

  async minters(): Promise<string[]> {
    return (await this.query<T.MintersResponse>({minters: {}})).minters.minters;
  }

  /** Balance of `address` by viewing key, in base units. A wrong or unset key → ViewingKeyError. */
  async balanceWithKey(address: string, key: string): Promise<bigint> {
    const r = await this.query<T.BalanceResponse>({balance: {address: parseAddress(address), key}});
    return readAmount(r, 'balance', this.label);
  }

  /** Balance of the permit signer, in base units (permit needs `balance` or `owner`). */
  async balanceWithPermit(permit: Permit): Promise<bigint> {
    const r = await this.query<T.WithPermitResponse>({with_permit: {permit: permit as T.Permit, query: {balance: {}}}});
    return readAmount(r, 'balance', this.label);
  }

  /** Balance of `signer`, with a permit signed (or taken from `store`) for this token. */
  async balanceOf(signer: SigningClient, store?: PermitStore): Promise<bigint> {
    const permit = await getPermit(signer, {contracts: [this.address], permissions: ['balance']}, store);
    return this.balanceWithPermit(permit);
  }

  /** History by viewing key, newest first. */
  async transactionHistory(address: string, key: string, opts: {page?: number; pageSize?: number} = {}): Promise<{txs: Snip20HistoryTx[]; total?: number | null}> {
    const r = await this.query<T.TransactionHistoryResponse>({
      transaction_history: {address: parseAddress(address), key, page: opts.page ?? 0, page_size: opts.pageSize ?? 10},
    });
    return (r as T.TransactionHistoryAnswer).transaction_history;
  }

  /** History by permit (needs `history` or `owner`), newest first. */
  async transactionHistoryWithPermit(permit: Permit, opts: {page?: number; pageSize?: number} = {}): Promise<{txs: Snip20HistoryTx[]; total?: number | null}> {
    const r = await this.query<T.WithPermitResponse>({
      with_permit: {permit: permit as T.Permit, query: {transaction_history: {page: opts.page ?? 0, page_size: opts.pageSize ?? 10}}},
    });
    return (r as T.TransactionHistoryAnswer).transaction_history;
  }

  /** `transfer` of `amount` base units to `recipient` (no callback). */
  transfer(signer: SigningClient, recipient: string, amount: bigint | string, opts: ExecOpts & {memo?: string} = {}): Promise<ExecuteResult<{transfer: T.StatusAnswer}>> {
    const {memo, ...tx} = opts;
    return this.execute(signer, {transfer: {recipient: parseAddress(recipient, 'recipient'), amount: amountOf(amount), ...(memo ? {memo} : {})}}, withGas(GAS_LIMITS.snip20Transfer, tx));
  }

  /**
   * `send` of `amount` base units to `recipient`; with `recipientCodeHash` the recipient contract gets a `receive`
   * callback carrying `msg` (JSON → base64). The answer is the token's `{"send":{"status":"success"}}`.
   */
  send(signer: SigningClient, recipient: string, amount: bigint | string, opts: SendOptions = {}): Promise<ExecuteResult<{send: T.StatusAnswer}>> {
    const {recipientCodeHash, msg, memo, ...tx} = opts;
    const body: Extract<Snip20Execute, {send: unknown}>['send'] = {
      recipient: parseAddress(recipient, 'recipient'),
      amount: amountOf(amount),
      ...(recipientCodeHash ? {recipient_code_hash: normalizeCodeHash(recipientCodeHash, 'recipient code hash')} : {}),
      ...(msg !== undefined ? {msg: encodeSendMsg(msg)} : {}),
      ...(memo ? {memo} : {}),
    };
    return this.execute(signer, {send: body}, withGas(GAS_LIMITS.snip20Send, tx));
  }

  /** Creates a viewing key for the signer (random entropy unless given); returns the key. */
  async createViewingKey(signer: SigningClient, entropy?: string, opts: ExecOpts = {}): Promise<{key: string; txHash: string}> {
    const r = await this.execute<{create_viewing_key: {key: string}}>(
      signer,
      {create_viewing_key: {entropy: entropy ?? randomBytes(32).toString('base64')}},
      withGas(GAS_LIMITS.snip20ViewingKey, opts),
    );
    const key = r.data?.create_viewing_key?.key;
    if (typeof key !== 'string') throw new ChainRequestError(`${this.label} did not return a viewing key`, undefined, {code: 'CONTRACT_BAD_ANSWER', details: {txHash: r.txHash}});
    return {key, txHash: r.txHash};
  }

  /** Sets the signer's viewing key to `key`. */
  setViewingKey(signer: SigningClient, key: string, opts: ExecOpts = {}): Promise<ExecuteResult<{set_viewing_key: T.StatusAnswer}>> {
    if (!key) throw new UsageError('a viewing key cannot be empty', {code: 'VIEWING_KEY_INVALID'});
    return this.execute(signer, {set_viewing_key: {key}}, withGas(GAS_LIMITS.snip20ViewingKey, opts));
  }

  /** Wraps `uscrt` native base units into tokens (deposit-enabled tokens such as sSCRT). */
  deposit(signer: SigningClient, uscrt: bigint, opts: ExecOpts = {}): Promise<ExecuteResult<{deposit: T.StatusAnswer}>> {
    if (uscrt <= 0n) throw new UsageError('the deposit amount must be positive', {code: 'AMOUNT_INVALID'});
    const funds: Coin[] = [{denom: USCRT, amount: amountOf(uscrt)}];
    return this.execute(signer, {deposit: {}}, {funds, ...withGas(GAS_LIMITS.snip20DepositRedeem, opts)});
  }

  /** Burns `amount` tokens and receives as much native coin. */
  redeem(signer: SigningClient, amount: bigint | string, opts: ExecOpts & {denom?: string} = {}): Promise<ExecuteResult<{redeem: T.StatusAnswer}>> {
    const {denom, ...tx} = opts;
    return this.execute(signer, {redeem: {amount: amountOf(amount), ...(denom ? {denom} : {})}}, withGas(GAS_LIMITS.snip20DepositRedeem, tx));
  }

  /** Revokes every permit of the signer with this name (SNIP-24). */
  revokePermit(signer: SigningClient, permitName: string, opts: ExecOpts = {}): Promise<ExecuteResult<{revoke_permit: T.StatusAnswer}>> {
    return this.execute(signer, {revoke_permit: {permit_name: permitName}}, withGas(GAS_LIMITS.snip20RevokePermit, opts));
  }

  /** Minters only: creates `amount` tokens for `recipient`. */
  mint(signer: SigningClient, recipient: string, amount: bigint | string, opts: ExecOpts & {memo?: string} = {}): Promise<ExecuteResult<{mint: T.StatusAnswer}>> {
    const {memo, ...tx} = opts;
    return this.execute(signer, {mint: {recipient: parseAddress(recipient, 'recipient'), amount: amountOf(amount), ...(memo ? {memo} : {})}}, tx);
  }

  /** Destroys `amount` of the signer's tokens. */
  burn(signer: SigningClient, amount: bigint | string, opts: ExecOpts & {memo?: string} = {}): Promise<ExecuteResult<{burn: T.StatusAnswer}>> {
    const {memo, ...tx} = opts;
    return this.execute(signer, {burn: {amount: amountOf(amount), ...(memo ? {memo} : {})}}, tx);
  }

  increaseAllowance(signer: SigningClient, spender: string, amount: bigint | string, opts: ExecOpts & {expiration?: number} = {}) {
    const {expiration, ...tx} = opts;
    return this.execute<{increase_allowance: {spender: string; owner: string; allowance: string}}>(
      signer,
      {increase_allowance: {spender: parseAddress(spender, 'spender'), amount: amountOf(amount), ...(expiration !== undefined ? {expiration} : {})}},
      tx,
    );
  }

  decreaseAllowance(signer: SigningClient, spender: string, amount: bigint | string, opts: ExecOpts & {expiration?: number} = {}) {
    const {expiration, ...tx} = opts;
    return this.execute<{decrease_allowance: {spender: string; owner: string; allowance: string}}>(
      signer,
      {decrease_allowance: {spender: parseAddress(spender, 'spender'), amount: amountOf(amount), ...(expiration !== undefined ? {expiration} : {})}},
      tx,
    );
  }

  transferFrom(signer: SigningClient, owner: string, recipient: string, amount: bigint | string, opts: ExecOpts & {memo?: string} = {}) {
    const {memo, ...tx} = opts;
    return this.execute<{transfer_from: T.StatusAnswer}>(
      signer,
      {transfer_from: {owner: parseAddress(owner, 'owner'), recipient: parseAddress(recipient, 'recipient'), amount: amountOf(amount), ...(memo ? {memo} : {})}},
      tx,
    );
  }

  sendFrom(signer: SigningClient, owner: string, recipient: string, amount: bigint | string, opts: SendOptions = {}) {
    const {recipientCodeHash, msg, memo, ...tx} = opts;
    return this.execute<{send_from: T.StatusAnswer}>(
      signer,
      {
        send_from: {
          owner: parseAddress(owner, 'owner'),
          recipient: parseAddress(recipient, 'recipient'),
          amount: amountOf(amount),
          ...(recipientCodeHash ? {recipient_code_hash: normalizeCodeHash(recipientCodeHash, 'recipient code hash')} : {}),
          ...(msg !== undefined ? {msg: encodeSendMsg(msg)} : {}),
          ...(memo ? {memo} : {}),
        },
      },
      withGas(GAS_LIMITS.snip20Send, tx),
    );
  }

  /** Admin: minters and admin changes. */
  addMinters(signer: SigningClient, minters: string[], opts: ExecOpts = {}) {
    return this.execute<{add_minters: T.StatusAnswer}>(signer, {add_minters: {minters: minters.map((m) => parseAddress(m, 'minter'))}}, opts);
  }

  removeMinters(signer: SigningClient, minters: string[], opts: ExecOpts = {}) {
    return this.execute<{remove_minters: T.StatusAnswer}>(signer, {remove_minters: {minters: minters.map((m) => parseAddress(m, 'minter'))}}, opts);
  }

  setMinters(signer: SigningClient, minters: string[], opts: ExecOpts = {}) {
    return this.execute<{set_minters: T.StatusAnswer}>(signer, {set_minters: {minters: minters.map((m) => parseAddress(m, 'minter'))}}, opts);
  }

  changeAdmin(signer: SigningClient, address: string, opts: ExecOpts = {}) {
    return this.execute<{change_admin: T.StatusAnswer}>(signer, {change_admin: {address: parseAddress(address, 'admin')}}, opts);
  }

  /** Called by contracts; exposed for completeness and tests. */
  registerReceive(signer: SigningClient, codeHash: string, opts: ExecOpts = {}) {
    return this.execute<{register_receive: T.StatusAnswer}>(signer, {register_receive: {code_hash: normalizeCodeHash(codeHash)}}, opts);
  }
}
