/**
 * A SNIP-20 token as a pure state machine: the subset of the reference implementation 2.0 (scrtlabs
 * snip20-reference-impl) that the Secret AI payment flow and the devnet faucet need — transfers, `send` with the
 * `receive` callback, viewing keys, SNIP-24 permits, deposit/redeem of native coin 1:1, minting, burning and
 * allowances. Amounts are decimal strings of base units, computed with BigInt. Error texts follow the
 * reference implementation (docs `snip20-and-permits.md` §2–§5).
 *
 * Deliberate differences: no decoys, no delayed write buffer, no notifications, no batch messages, no contract
 * status levels; transaction ids are serial (the devnet keeps plaintext state anyway).
 */
import {defineContract, loadInstantiated, statusResponse, validateAddress} from '../common/contract.js';
import {bytesEqual, concatBytes, fromBase64, fromHex, toBase64, toHex, u64be, utf8} from '../common/encoding.js';
import {revokePermit, verifyPermit, type Permit} from '../common/permit.js';
import {ContractError, response, type Deps, type Env, type ReadonlyDeps, type ReadonlyStorage, type Storage, type SubMsg} from '../common/types.js';
import {checkedAdd, formatUint128, parseUint128, saturatingAdd, saturatingSub, UINT128_MAX} from '../common/uint128.js';
import {SCHEMAS} from './schemas.js';
import type {
  AllowanceResponse,
  BalanceResponse,
  ExchangeRateResponse,
  ExecuteMsg,
  InstantiateMsg,
  MintersResponse,
  QueryMsg,
  QueryWithPermit,
  TokenConfigResponse,
  TokenInfoResponse,
  TransactionHistoryResponse,
  Tx,
  TxAction,
} from './types.js';

/** Contract name in the registry. */
export const SNIP20_NAME = 'snip20';
/** Contract version (part of the synthetic code hash). */
export const SNIP20_VERSION = '1.0.0';

/** Reference texts (snip20-reference-impl 2.0 / secret-toolkit). */
export const SNIP20_ERRORS = {
  sendToContract: 'Tokens cannot be sent to token contract.',
  notAdmin: 'This is an admin command. Admin commands can only be run from admin address',
  depositDisabled: 'Deposit functionality is not enabled.',
  noDepositFunds: 'No funds were sent to be deposited',
  redeemDisabled: 'Redeem functionality is not enabled for this token.',
  redeemNoDenom: 'Tried to redeem without specifying denom, but multiple coins are supported',
  redeemBadDenom: 'Tried to redeem for an unsupported coin',
  redeemSupply: 'You are trying to redeem more tokens than what is available in the total supply',
  mintDisabled: 'Mint functionality is not enabled for this token.',
  notMinter: 'Minting is allowed to minter accounts only',
  mintOverflow: 'This mint attempt would increase the total supply above the supported maximum',
  burnDisabled: 'Burn functionality is not enabled for this token.',
  burnSupply: "You're trying to burn more than is available in the total supply",
  initialOverflow: 'The sum of all initial balances exceeds the maximum possible total supply',
  invalidPageSize: 'invalid page size',
  transferHistoryUnsupported: '`transfer_history` query is UNSUPPORTED. Use `transaction_history` instead.',
  viewingKey: 'Wrong viewing key for this address or viewing key not set',
} as const;

/** Prefix of created viewing keys. */
export const VIEWING_KEY_PREFIX = 'api_key_';
/** Default native denomination for deposit/redeem. */
const DEFAULT_DENOM = 'uscrt';
/** Decimals of SCRT, the reference point of `exchange_rate`. */
const SCRT_DECIMALS = 6;
/** Memo of the mint entries written for `initial_balances` (as the reference implementation). */
const INITIAL_BALANCE_MEMO = 'Initial Balance';
/** Zero-padding width of numeric storage key parts, so keys sort numerically. */
const KEY_NUMBER_WIDTH = 12;

interface Config {
  name: string;
  symbol: string;
  decimals: number;
  admin: string;
  public_total_supply: boolean;
  enable_deposit: boolean;
  enable_redeem: boolean;
  enable_mint: boolean;
  enable_burn: boolean;
  supported_denoms: string[];
}

interface StoredAllowance {
  amount: string;
  expiration?: number;
}

const pad = (n: number): string => n.toString().padStart(KEY_NUMBER_WIDTH, '0');
/** Storage layout. Values are JSON; amounts are decimal strings. */
const KEY = {
  config: 'config',
  prngSeed: 'prng_seed',
  minters: 'minters',
  totalSupply: 'total_supply',
  txCount: 'tx_count',
  vkNonce: 'vk_nonce',
  balance: (addr: string) => `balance:${addr}`,
  viewingKey: (addr: string) => `vk:${addr}`,
  receiver: (addr: string) => `receiver:${addr}`,
  allowance: (owner: string, spender: string) => `allowance:${owner}:${spender}`,
  reserve: (denom: string) => `reserve:${denom}`,
  tx: (id: number) => `tx:${pad(id)}`,
  historyLen: (addr: string) => `history_len:${addr}`,
  history: (addr: string, index: number) => `history:${addr}:${pad(index)}`,
};

function loadConfig(storage: ReadonlyStorage): Config {
  return loadInstantiated<Config>(storage, KEY.config, 'token');
}

function amountAt(storage: ReadonlyStorage, key: string): bigint {
  return BigInt(storage.get<string>(key) ?? '0');
}

function setAmount(storage: Storage, key: string, value: bigint): void {
  storage.set(key, formatUint128(value));
}

/** Debits `amount` from `owner`'s balance: `insufficient funds: balance=…, required=…`. */
function debit(storage: Storage, owner: string, amount: bigint): void {
  const balance = amountAt(storage, KEY.balance(owner));
  if (balance < amount) throw new ContractError(`insufficient funds: balance=${balance}, required=${amount}`);
  setAmount(storage, KEY.balance(owner), balance - amount);
}

function credit(storage: Storage, owner: string, amount: bigint): void {
  setAmount(storage, KEY.balance(owner), checkedAdd(amountAt(storage, KEY.balance(owner)), amount));
}

/** Appends a history entry and lists it for each distinct address in `parties`. */
function recordTx(storage: Storage, env: Env, action: TxAction, denom: string, amount: bigint, memo: string | undefined, parties: string[]): void {
  const id = (storage.get<number>(KEY.txCount) ?? 0) + 1;
  storage.set(KEY.txCount, id);
  const tx: Tx = {id, action, coins: {denom, amount: formatUint128(amount)}, block_time: env.block.time, block_height: env.block.height};
  if (memo !== undefined) tx.memo = memo;
  storage.set(KEY.tx(id), tx);
  for (const addr of new Set(parties)) {
    const len = storage.get<number>(KEY.historyLen(addr)) ?? 0;
    storage.set(KEY.history(addr, len), id);
    storage.set(KEY.historyLen(addr), len + 1);
  }
}

/** Moves tokens from `owner` to `recipient`; `spender` is who asked (the owner itself, or an allowance holder). */
function transferImpl(deps: Deps, env: Env, spender: string, owner: string, recipient: string, amount: bigint, memo: string | undefined): void {
  validateAddress(deps.api, recipient, 'recipient');
  if (recipient === env.contract.address) throw new ContractError(SNIP20_ERRORS.sendToContract);
  const {symbol} = loadConfig(deps.storage);
  debit(deps.storage, owner, amount);
  credit(deps.storage, recipient, amount);
  recordTx(deps.storage, env, {transfer: {from: owner, sender: spender, recipient}}, symbol, amount, memo, [owner, spender, recipient]);
}

/**
 * The SNIP-20 `receive` callback (docs §4): sent when a code hash is given or the recipient registered one.
 * Body key order as the reference implementation serialises it; `memo` omitted when absent, `msg` null when absent.
 */
function receiveCallback(
  storage: ReadonlyStorage,
  recipient: string,
  codeHash: string | null | undefined,
  body: {sender: string; from: string; amount: bigint; memo: string | undefined; msg: string | undefined},
): SubMsg[] {
  const hash = codeHash ?? storage.get<string>(KEY.receiver(recipient));
  if (hash === undefined) return [];
  const receive: Record<string, unknown> = {sender: body.sender, from: body.from, amount: formatUint128(body.amount)};
  if (body.memo !== undefined) receive.memo = body.memo;
  receive.msg = body.msg ?? null;
  return [{wasm_execute: {contract_addr: recipient, code_hash: hash, msg: {receive}, funds: []}}];
}

function loadAllowance(storage: ReadonlyStorage, env: Env, owner: string, spender: string): {amount: bigint; expiration?: number} {
  const stored = storage.get<StoredAllowance>(KEY.allowance(owner, spender));
  if (!stored) return {amount: 0n};
  if (stored.expiration !== undefined && env.block.time >= stored.expiration) return {amount: 0n};
  return stored.expiration === undefined ? {amount: BigInt(stored.amount)} : {amount: BigInt(stored.amount), expiration: stored.expiration};
}

function saveAllowance(storage: Storage, owner: string, spender: string, amount: bigint, expiration: number | undefined): void {
  const value: StoredAllowance = {amount: formatUint128(amount)};
  if (expiration !== undefined) value.expiration = expiration;
  storage.set(KEY.allowance(owner, spender), value);
}

/** Takes `amount` from the `spender`'s allowance over `owner`'s tokens. */
function useAllowance(storage: Storage, env: Env, owner: string, spender: string, amount: bigint): void {
  const allowance = loadAllowance(storage, env, owner, spender);
  if (allowance.amount < amount) throw new ContractError(`insufficient allowance: allowance=${allowance.amount}, required=${amount}`);
  saveAllowance(storage, owner, spender, allowance.amount - amount, allowance.expiration);
}

function requireTokenAdmin(storage: ReadonlyStorage, sender: string): Config {
  const config = loadConfig(storage);
  if (sender !== config.admin) throw new ContractError(SNIP20_ERRORS.notAdmin);
  return config;
}

function hashViewingKey(deps: ReadonlyDeps, key: string): Uint8Array {
  return deps.api.sha256(utf8(key));
}

/** True when `key` is `address`'s viewing key (compares SHA-256 digests; a missing key never matches). */
function viewingKeyMatches(deps: ReadonlyDeps, address: string, key: string): boolean {
  const stored = deps.storage.get<string>(KEY.viewingKey(address));
  const given = hashViewingKey(deps, key);
  return stored !== undefined && bytesEqual(fromHex(stored), given);
}

const viewingKeyError = (): {viewing_key_error: {msg: string}} => ({viewing_key_error: {msg: SNIP20_ERRORS.viewingKey}});

function balanceAnswer(storage: ReadonlyStorage, address: string): BalanceResponse {
  return {balance: {amount: formatUint128(amountAt(storage, KEY.balance(address)))}};
}

function historyAnswer(storage: ReadonlyStorage, address: string, page: number, pageSize: number): TransactionHistoryResponse {
  if (pageSize === 0) throw new ContractError(SNIP20_ERRORS.invalidPageSize);
  const total = storage.get<number>(KEY.historyLen(address)) ?? 0;
  const txs: Tx[] = [];
  const start = page * pageSize;
  for (let i = start; i < Math.min(start + pageSize, total); i++) {
    const id = storage.get<number>(KEY.history(address, total - 1 - i));
    const tx = id === undefined ? undefined : storage.get<Tx>(KEY.tx(id));
    if (!tx) throw new ContractError(`transaction history is corrupt at index ${total - 1 - i}`);
    txs.push(tx);
  }
  return {transaction_history: {txs, total}};
}

function allowanceAnswer(storage: ReadonlyStorage, env: Env, owner: string, spender: string): AllowanceResponse {
  const stored = storage.get<StoredAllowance>(KEY.allowance(owner, spender));
  const {amount} = loadAllowance(storage, env, owner, spender);
  return {allowance: {spender, owner, allowance: formatUint128(amount), expiration: stored?.expiration ?? null}};
}

/** `with_permit`: verify the permit for this contract, check the permission, answer the inner query. */
function permitQuery(deps: ReadonlyDeps, env: Env, permit: Permit, query: QueryWithPermit): unknown {
  if ('balance' in query) {
    return balanceAnswer(deps.storage, verifyPermit(deps, env, permit, env.contract.address, 'balance'));
  }
  if ('transaction_history' in query) {
    const account = verifyPermit(deps, env, permit, env.contract.address, 'history');
    return historyAnswer(deps.storage, account, query.transaction_history.page ?? 0, query.transaction_history.page_size);
  }
  if ('transfer_history' in query) {
    verifyPermit(deps, env, permit, env.contract.address, null);
    throw new ContractError(SNIP20_ERRORS.transferHistoryUnsupported);
  }
  const account = verifyPermit(deps, env, permit, env.contract.address, 'allowance');
  const {owner, spender} = query.allowance;
  if (account !== owner && account !== spender) {
    throw new ContractError(
      `Cannot query allowance. Requires permit for either owner ${JSON.stringify(owner)} or spender ${JSON.stringify(spender)}, got permit for ${JSON.stringify(account)}`,
    );
  }
  return allowanceAnswer(deps.storage, env, owner, spender);
}

const optional = <T>(v: T | null | undefined): T | undefined => (v === null ? undefined : v);

/** The SNIP-20 token contract. */
export const snip20 = defineContract<InstantiateMsg, ExecuteMsg, QueryMsg>({
  name: SNIP20_NAME,
  version: SNIP20_VERSION,
  schemas: SCHEMAS,

  instantiate(deps, env, info, msg) {
    const admin = validateAddress(deps.api, msg.admin ?? info.sender, 'admin');
    const init = msg.config ?? {};
    const config: Config = {
      name: msg.name,
      symbol: msg.symbol,
      decimals: msg.decimals,
      admin,
      public_total_supply: init.public_total_supply ?? false,
      enable_deposit: init.enable_deposit ?? false,
      enable_redeem: init.enable_redeem ?? false,
      enable_mint: init.enable_mint ?? false,
      enable_burn: init.enable_burn ?? false,
      supported_denoms: msg.supported_denoms ?? [DEFAULT_DENOM],
    };
    deps.storage.set(KEY.config, config);
    deps.storage.set(KEY.prngSeed, toHex(deps.api.sha256(fromBase64(msg.prng_seed))));
    const minters = msg.minters ?? (config.enable_mint ? [admin] : []);
    for (const m of minters) validateAddress(deps.api, m, 'minter');
    deps.storage.set(KEY.minters, [...new Set(minters)]);

    let total = 0n;
    for (const {address, amount} of msg.initial_balances ?? []) {
      validateAddress(deps.api, address, 'initial balance');
      const value = parseUint128(amount);
      total += value;
      if (total > UINT128_MAX) throw new ContractError(SNIP20_ERRORS.initialOverflow);
      credit(deps.storage, address, value);
      recordTx(deps.storage, env, {mint: {minter: admin, recipient: address}}, config.symbol, value, INITIAL_BALANCE_MEMO, [address, admin]);
    }
    setAmount(deps.storage, KEY.totalSupply, total);
    return response();
  },

  execute: {
    transfer(deps, env, info, {recipient, amount, memo}) {
      transferImpl(deps, env, info.sender, info.sender, recipient, parseUint128(amount), optional(memo));
      return statusResponse('transfer');
    },

    send(deps, env, info, {recipient, recipient_code_hash, amount, msg, memo}) {
      const value = parseUint128(amount);
      transferImpl(deps, env, info.sender, info.sender, recipient, value, optional(memo));
      const res = statusResponse('send');
      res.messages.push(...receiveCallback(deps.storage, recipient, recipient_code_hash, {sender: info.sender, from: info.sender, amount: value, memo: optional(memo), msg: optional(msg)}));
      return res;
    },

    register_receive(deps, _env, info, {code_hash}) {
      deps.storage.set(KEY.receiver(info.sender), code_hash);
      return statusResponse('register_receive');
    },

    create_viewing_key(deps, env, info, {entropy}) {
      const nonce = (deps.storage.get<number>(KEY.vkNonce) ?? 0) + 1;
      deps.storage.set(KEY.vkNonce, nonce);
      const seed = fromHex(deps.storage.get<string>(KEY.prngSeed) ?? '');
      // No randomness on chain: the key is derived from the secret seed, the sender, the caller's entropy, a
      // per-contract counter and the block, so it is unpredictable to anyone who does not know the seed.
      const material = concatBytes(seed, utf8(info.sender), utf8(entropy ?? ''), u64be(nonce), u64be(env.block.height), u64be(env.block.time));
      const key = VIEWING_KEY_PREFIX + toBase64(deps.api.sha256(material));
      deps.storage.set(KEY.viewingKey(info.sender), toHex(hashViewingKey(deps, key)));
      return response({create_viewing_key: {key}});
    },

    set_viewing_key(deps, _env, info, {key}) {
      deps.storage.set(KEY.viewingKey(info.sender), toHex(hashViewingKey(deps, key)));
      return statusResponse('set_viewing_key');
    },

    revoke_permit(deps, _env, info, {permit_name}) {
      revokePermit(deps.storage, info.sender, permit_name);
      return statusResponse('revoke_permit');
    },

    deposit(deps, env, info) {
      const config = loadConfig(deps.storage);
      const amounts = new Map<string, bigint>();
      for (const coin of info.funds) {
        if (!config.supported_denoms.includes(coin.denom)) throw new ContractError(`Tried to deposit an unsupported coin ${coin.denom}`);
        amounts.set(coin.denom, checkedAdd(amounts.get(coin.denom) ?? 0n, parseUint128(coin.amount, 'deposit amount')));
      }
      const total = [...amounts.values()].reduce((a, b) => a + b, 0n);
      if (total === 0n) throw new ContractError(SNIP20_ERRORS.noDepositFunds);
      if (!config.enable_deposit) throw new ContractError(SNIP20_ERRORS.depositDisabled);
      setAmount(deps.storage, KEY.totalSupply, checkedAdd(amountAt(deps.storage, KEY.totalSupply), total));
      credit(deps.storage, info.sender, total);
      for (const [denom, amount] of amounts) {
        if (amount === 0n) continue;
        setAmount(deps.storage, KEY.reserve(denom), checkedAdd(amountAt(deps.storage, KEY.reserve(denom)), amount));
        recordTx(deps.storage, env, {deposit: {}}, denom, amount, undefined, [info.sender]);
      }
      return statusResponse('deposit');
    },

    redeem(deps, env, info, {amount, denom}) {
      const config = loadConfig(deps.storage);
      if (!config.enable_redeem) throw new ContractError(SNIP20_ERRORS.redeemDisabled);
      let withdrawDenom: string;
      if ((denom === undefined || denom === null) && config.supported_denoms.length === 1) withdrawDenom = config.supported_denoms[0]!;
      else if (denom !== undefined && denom !== null && config.supported_denoms.includes(denom)) withdrawDenom = denom;
      else if (denom === undefined || denom === null) throw new ContractError(SNIP20_ERRORS.redeemNoDenom);
      else throw new ContractError(SNIP20_ERRORS.redeemBadDenom);
      const value = parseUint128(amount);
      debit(deps.storage, info.sender, value);
      const supply = amountAt(deps.storage, KEY.totalSupply);
      if (supply < value) throw new ContractError(SNIP20_ERRORS.redeemSupply);
      setAmount(deps.storage, KEY.totalSupply, supply - value);
      const reserve = amountAt(deps.storage, KEY.reserve(withdrawDenom));
      if (value > reserve) throw new ContractError(`You are trying to redeem for more ${withdrawDenom} than the contract has in its reserve`);
      setAmount(deps.storage, KEY.reserve(withdrawDenom), reserve - value);
      recordTx(deps.storage, env, {redeem: {}}, config.symbol, value, undefined, [info.sender]);
      const res = statusResponse('redeem');
      res.messages.push({bank_send: {to_address: info.sender, amount: [{denom: withdrawDenom, amount: formatUint128(value)}]}});
      return res;
    },

    mint(deps, env, info, {recipient, amount, memo}) {
      const config = loadConfig(deps.storage);
      if (!config.enable_mint) throw new ContractError(SNIP20_ERRORS.mintDisabled);
      const minters = deps.storage.get<string[]>(KEY.minters) ?? [];
      if (!minters.includes(info.sender)) throw new ContractError(SNIP20_ERRORS.notMinter);
      validateAddress(deps.api, recipient, 'recipient');
      const value = parseUint128(amount);
      const supply = amountAt(deps.storage, KEY.totalSupply);
      let newSupply: bigint;
      try {
        newSupply = checkedAdd(supply, value);
      } catch {
        throw new ContractError(SNIP20_ERRORS.mintOverflow);
      }
      setAmount(deps.storage, KEY.totalSupply, newSupply);
      credit(deps.storage, recipient, value);
      recordTx(deps.storage, env, {mint: {minter: info.sender, recipient}}, config.symbol, value, optional(memo), [recipient, info.sender]);
      return statusResponse('mint');
    },

    burn(deps, env, info, {amount, memo}) {
      const config = loadConfig(deps.storage);
      if (!config.enable_burn) throw new ContractError(SNIP20_ERRORS.burnDisabled);
      const value = parseUint128(amount);
      debit(deps.storage, info.sender, value);
      const supply = amountAt(deps.storage, KEY.totalSupply);
      if (supply < value) throw new ContractError(SNIP20_ERRORS.burnSupply);
      setAmount(deps.storage, KEY.totalSupply, supply - value);
      recordTx(deps.storage, env, {burn: {burner: info.sender, owner: info.sender}}, config.symbol, value, optional(memo), [info.sender]);
      return statusResponse('burn');
    },

    increase_allowance(deps, env, info, {spender, amount, expiration}) {
      validateAddress(deps.api, spender, 'spender');
      const current = loadAllowance(deps.storage, env, info.sender, spender);
      const next = saturatingAdd(current.amount, parseUint128(amount));
      saveAllowance(deps.storage, info.sender, spender, next, optional(expiration) ?? current.expiration);
      return response({increase_allowance: {spender, owner: info.sender, allowance: formatUint128(next)}});
    },

    decrease_allowance(deps, env, info, {spender, amount, expiration}) {
      validateAddress(deps.api, spender, 'spender');
      const current = loadAllowance(deps.storage, env, info.sender, spender);
      const next = saturatingSub(current.amount, parseUint128(amount));
      saveAllowance(deps.storage, info.sender, spender, next, optional(expiration) ?? current.expiration);
      return response({decrease_allowance: {spender, owner: info.sender, allowance: formatUint128(next)}});
    },

    transfer_from(deps, env, info, {owner, recipient, amount, memo}) {
      validateAddress(deps.api, owner, 'owner');
      const value = parseUint128(amount);
      useAllowance(deps.storage, env, owner, info.sender, value);
      transferImpl(deps, env, info.sender, owner, recipient, value, optional(memo));
      return statusResponse('transfer_from');
    },

    send_from(deps, env, info, {owner, recipient, recipient_code_hash, amount, msg, memo}) {
      validateAddress(deps.api, owner, 'owner');
      const value = parseUint128(amount);
      useAllowance(deps.storage, env, owner, info.sender, value);
      transferImpl(deps, env, info.sender, owner, recipient, value, optional(memo));
      const res = statusResponse('send_from');
      res.messages.push(...receiveCallback(deps.storage, recipient, recipient_code_hash, {sender: info.sender, from: owner, amount: value, memo: optional(memo), msg: optional(msg)}));
      return res;
    },

    add_minters(deps, _env, info, {minters}) {
      requireTokenAdmin(deps.storage, info.sender);
      for (const m of minters) validateAddress(deps.api, m, 'minter');
      const current = deps.storage.get<string[]>(KEY.minters) ?? [];
      deps.storage.set(KEY.minters, [...new Set([...current, ...minters])]);
      return statusResponse('add_minters');
    },

    remove_minters(deps, _env, info, {minters}) {
      requireTokenAdmin(deps.storage, info.sender);
      const current = deps.storage.get<string[]>(KEY.minters) ?? [];
      deps.storage.set(KEY.minters, current.filter((m) => !minters.includes(m)));
      return statusResponse('remove_minters');
    },

    set_minters(deps, _env, info, {minters}) {
      requireTokenAdmin(deps.storage, info.sender);
      for (const m of minters) validateAddress(deps.api, m, 'minter');
      deps.storage.set(KEY.minters, [...new Set(minters)]);
      return statusResponse('set_minters');
    },

    change_admin(deps, _env, info, {address}) {
      const config = requireTokenAdmin(deps.storage, info.sender);
      validateAddress(deps.api, address, 'admin');
      deps.storage.set(KEY.config, {...config, admin: address});
      return statusResponse('change_admin');
    },
  },

  query: {
    token_info(deps): TokenInfoResponse {
      const c = loadConfig(deps.storage);
      const supply = c.public_total_supply ? formatUint128(amountAt(deps.storage, KEY.totalSupply)) : null;
      return {token_info: {name: c.name, symbol: c.symbol, decimals: c.decimals, total_supply: supply}};
    },

    token_config(deps): TokenConfigResponse {
      const c = loadConfig(deps.storage);
      return {
        token_config: {
          public_total_supply: c.public_total_supply,
          deposit_enabled: c.enable_deposit,
          redeem_enabled: c.enable_redeem,
          mint_enabled: c.enable_mint,
          burn_enabled: c.enable_burn,
          supported_denoms: c.supported_denoms,
        },
      };
    },

    exchange_rate(deps): ExchangeRateResponse {
      const c = loadConfig(deps.storage);
      if (!c.enable_deposit && !c.enable_redeem) return {exchange_rate: {rate: '0', denom: ''}};
      if (c.decimals >= SCRT_DECIMALS) return {exchange_rate: {rate: (10n ** BigInt(c.decimals - SCRT_DECIMALS)).toString(), denom: 'SCRT'}};
      return {exchange_rate: {rate: (10n ** BigInt(SCRT_DECIMALS - c.decimals)).toString(), denom: c.symbol}};
    },

    minters(deps): MintersResponse {
      return {minters: {minters: deps.storage.get<string[]>(KEY.minters) ?? []}};
    },

    balance(deps, _env, {address, key}): BalanceResponse {
      validateAddress(deps.api, address, 'account');
      return viewingKeyMatches(deps, address, key) ? balanceAnswer(deps.storage, address) : viewingKeyError();
    },

    transaction_history(deps, _env, {address, key, page, page_size}): TransactionHistoryResponse {
      validateAddress(deps.api, address, 'account');
      return viewingKeyMatches(deps, address, key) ? historyAnswer(deps.storage, address, page ?? 0, page_size) : viewingKeyError();
    },

    transfer_history() {
      throw new ContractError(SNIP20_ERRORS.transferHistoryUnsupported);
    },

    allowance(deps, env, {owner, spender, key}): AllowanceResponse {
      validateAddress(deps.api, owner, 'owner');
      validateAddress(deps.api, spender, 'spender');
      const ok = viewingKeyMatches(deps, owner, key) || viewingKeyMatches(deps, spender, key);
      return ok ? allowanceAnswer(deps.storage, env, owner, spender) : viewingKeyError();
    },

    with_permit(deps, env, {permit, query}) {
      return permitQuery(deps, env, permit, query);
    },
  },
});
