/**
 * SubscriptionManager — payments (SNIP-20 `send` → `receive`), plans and API keys (design §4).
 *
 * - Instantiate registers this contract's `receive` with the payment token (`register_receive` as a sub-message),
 *   so every SNIP-20 `send` to it reaches `receive`, with or without `recipient_code_hash`. A change of the payment
 *   token (`update_config`) registers with the new token the same way.
 * - `receive` is accepted only from the payment token. Its `msg` must be `{"subscribe":{"plan_id"}}` (the amount
 *   must equal the plan price; the period runs from max(now, current expiry)) or `{"deposit":{}}` (prepaid
 *   balance). Anything else — no msg, unknown msg, unknown plan, wrong amount — fails, and since the callback runs
 *   inside the token's `send`, the whole tx reverts and the tokens stay with the sender.
 * - Plan payments are revenue of the RewardsManager epoch that is open when they arrive (asked of the
 *   RewardsManager with a cross-contract `epoch {}` query); `revenue {epoch}` answers the totals. Each payment is
 *   forwarded at once, in the same tx, to the RewardsManager: a SNIP-20 `send` of the amount with
 *   `{"revenue":{"epoch"}}`, which its `receive` credits to that epoch. If the RewardsManager refuses it the whole tx
 *   reverts and the payer keeps the tokens; without a RewardsManager configured plan payments are refused. So plan
 *   money never rests here. Deposits become revenue only when charged (`charge_usage`, not built yet).
 * - `key_handle_matches {key_handle, subscriber}` tells the RewardsManager whether a usage countersignature's
 *   signer is the subscriber behind the record's key handle.
 * - API keys: only the SHA-256 of a key is stored; a hash is never accepted twice (not even after revocation). Each
 *   subscriber gets an opaque key handle, SHA-256 of a domain tag, the hash of their first key and their address: a
 *   worker that sees keys learns which requests share a subscription, never whose it is, and the handle cannot be
 *   computed from an address without that first key.
 *
 * Not built: `charge_usage` (moves with the rewards work), usage per epoch in `subscription` (answered `null`
 * until usage reports exist), token quotas (stored with the plan, not enforced).
 */
import {compileSchema} from '../common/schema.js';
import {
  checkContractRef,
  decodeJsonBinary,
  defineContract,
  loadInstantiated,
  notBuilt,
  optionalRef,
  requireAdmin,
  statusResponse,
  validateAddress,
  variantOf,
} from '../common/contract.js';
import {concatBytes, toBase64, toHex, utf8} from '../common/encoding.js';
import {revokePermit, verifyPermit} from '../common/permit.js';
import {ContractError, response, type Api, type Deps, type Env, type ReadonlyStorage, type Response, type Storage, type SubMsg} from '../common/types.js';
import {checkedAdd, formatUint128, parseUint128} from '../common/uint128.js';
import {RECEIVE_MSG_SCHEMA, SCHEMAS} from './schemas.js';
import type {
  ApiKeyInfo,
  ApiKeyRefusal,
  ApiKeysResponse,
  ApiKeyStatusResponse,
  ApiKeysWithPermitResponse,
  ConfigResponse,
  ContractRef,
  ExecuteMsg,
  InstantiateMsg,
  KeyHandleMatchesResponse,
  Plan,
  PlansResponse,
  QueryMsg,
  ReceiveMsg,
  RevenueResponse,
  SubscriptionResponse,
} from './types.js';

/** Contract name in the registry. */
export const SUBSCRIPTION_MANAGER_NAME = 'subscription-manager';
/** Contract version (part of the synthetic code hash). */
export const SUBSCRIPTION_MANAGER_VERSION = '0.1.0';

/** Most API keys one subscriber may hold at once (revoked keys do not count). */
export const MAX_ACTIVE_API_KEYS = 16;
/** Most plans on offer. */
export const MAX_PLANS = 32;
/** Domain tag of key handles. */
export const KEY_HANDLE_TAG = 'secretai/v1/key-handle';

/** Stored configuration; the `config` query answers it as is. */
export type SubscriptionManagerConfig = ConfigResponse;

/** A subscriber's plan period. */
export interface StoredSubscription {
  plan_id: string;
  /** End of the paid period, Unix seconds. */
  expires_at: number;
}

/** One API key, by its hash. */
export interface StoredApiKey {
  owner: string;
  created_at: number;
  revoked: boolean;
}

/** Revenue of one epoch. */
export interface StoredRevenue {
  amount: string;
  payments: number;
}

/** Storage layout (JSON values; amounts as decimal strings). */
export const SUBSCRIPTION_MANAGER_KEYS = {
  config: 'config',
  planPrefix: 'plan:',
  plan: (id: string) => `plan:${id}`,
  balance: (subscriber: string) => `balance:${subscriber}`,
  subscription: (subscriber: string) => `subscription:${subscriber}`,
  apiKeyPrefix: 'apikey:',
  apiKey: (hash: string) => `apikey:${hash}`,
  ownerKeyPrefix: (subscriber: string) => `owner_key:${subscriber}:`,
  ownerKey: (subscriber: string, hash: string) => `owner_key:${subscriber}:${hash}`,
  activeKeyCount: (subscriber: string) => `active_keys:${subscriber}`,
  handle: (subscriber: string) => `handle:${subscriber}`,
  handleOwner: (handle: string) => `handle_owner:${handle}`,
  revenue: (epoch: number) => `revenue:${epoch}`,
} as const;

const receiveMsgValidator = compileSchema(RECEIVE_MSG_SCHEMA, 'receive.msg');

/** Loads the configuration (throws if the contract was never instantiated). */
export function loadSubscriptionManagerConfig(storage: ReadonlyStorage): SubscriptionManagerConfig {
  return loadInstantiated<SubscriptionManagerConfig>(storage, SUBSCRIPTION_MANAGER_KEYS.config, SUBSCRIPTION_MANAGER_NAME);
}

/** A subscriber's pay-as-you-go balance in payment-token base units. */
export function depositBalance(storage: ReadonlyStorage, subscriber: string): bigint {
  return BigInt(storage.get<string>(SUBSCRIPTION_MANAGER_KEYS.balance(subscriber)) ?? '0');
}

/** Stores a subscription period. */
export function saveSubscription(storage: Storage, subscriber: string, subscription: StoredSubscription): void {
  storage.set(SUBSCRIPTION_MANAGER_KEYS.subscription(subscriber), subscription);
}

/** Why `subscriber` may not use API keys at block time `now`, or null when they may. */
export function entitlement(storage: ReadonlyStorage, subscriber: string, now: number): Exclude<ApiKeyRefusal, 'unknown' | 'revoked'> | null {
  const sub = storage.get<StoredSubscription>(SUBSCRIPTION_MANAGER_KEYS.subscription(subscriber));
  if (sub && sub.expires_at > now) return null;
  if (depositBalance(storage, subscriber) > 0n) return null;
  return sub ? 'expired' : 'no_balance';
}

function normalisePlan(plan: Plan): Plan {
  parseUint128(plan.price, 'plan price');
  const out: Plan = {id: plan.id, price: plan.price, period_seconds: plan.period_seconds};
  if (plan.token_quota !== undefined && plan.token_quota !== null) out.token_quota = formatUint128(parseUint128(plan.token_quota, 'token_quota'));
  return out;
}

/** `register_receive` with `token`, naming this contract's code hash, as a sub-message. */
function registerReceive(env: Env, token: ContractRef): SubMsg {
  return {wasm_execute: {contract_addr: token.address, code_hash: token.code_hash, msg: {register_receive: {code_hash: env.contract.code_hash}}, funds: []}};
}

/** The RewardsManager plan payments are forwarded to (plan payments are refused without one). */
function rewardsManagerOf(config: SubscriptionManagerConfig): ContractRef {
  if (!config.rewards_manager) throw new ContractError('plan payments are refused: no rewards manager is configured to receive them');
  return config.rewards_manager;
}

/** Number of the RewardsManager epoch open now. */
function currentEpoch(deps: Deps, rm: ContractRef): number {
  const answer = deps.querier.queryContract<{epoch?: unknown}>(rm.address, rm.code_hash, {epoch: {}});
  const epoch = answer?.epoch;
  if (typeof epoch !== 'number' || !Number.isInteger(epoch) || epoch < 0) throw new ContractError('the rewards manager answered no epoch number');
  return epoch;
}

function addRevenue(deps: Deps, rm: ContractRef, amount: bigint): number {
  const epoch = currentEpoch(deps, rm);
  const key = SUBSCRIPTION_MANAGER_KEYS.revenue(epoch);
  const prev = deps.storage.get<StoredRevenue>(key) ?? {amount: '0', payments: 0};
  deps.storage.set(key, {amount: formatUint128(checkedAdd(BigInt(prev.amount), amount)), payments: prev.payments + 1});
  return epoch;
}

/** SNIP-20 `send` of `amount` to the RewardsManager as revenue of `epoch`. */
function forwardRevenue(token: ContractRef, rm: ContractRef, amount: bigint, epoch: number): SubMsg {
  const msg = toBase64(utf8(JSON.stringify({revenue: {epoch}})));
  const send = {recipient: rm.address, recipient_code_hash: rm.code_hash, amount: formatUint128(amount), msg};
  return {wasm_execute: {contract_addr: token.address, code_hash: token.code_hash, msg: {send}, funds: []}};
}

function subscribe(deps: Deps, env: Env, config: SubscriptionManagerConfig, from: string, planId: string, amount: bigint): Response {
  const plan = deps.storage.get<Plan>(SUBSCRIPTION_MANAGER_KEYS.plan(planId));
  if (!plan) throw new ContractError(`unknown plan ${JSON.stringify(planId)}`);
  const price = BigInt(plan.price);
  if (amount !== price) throw new ContractError(`wrong amount for plan ${plan.id}: it costs exactly ${plan.price}, got ${formatUint128(amount)}`);
  const current = deps.storage.get<StoredSubscription>(SUBSCRIPTION_MANAGER_KEYS.subscription(from));
  const start = Math.max(env.block.time, current?.expires_at ?? 0);
  const next: StoredSubscription = {plan_id: plan.id, expires_at: start + plan.period_seconds};
  saveSubscription(deps.storage, from, next);
  const rm = rewardsManagerOf(config);
  const epoch = addRevenue(deps, rm, amount);
  const res = statusResponse('receive');
  res.messages.push(forwardRevenue(config.payment_token, rm, amount, epoch));
  res.attributes.push({key: 'plan_id', value: plan.id}, {key: 'expires_at', value: String(next.expires_at)}, {key: 'epoch', value: String(epoch)});
  return res;
}

function deposit(deps: Deps, from: string, amount: bigint): Response {
  if (amount === 0n) throw new ContractError('a deposit must be more than 0');
  const balance = checkedAdd(depositBalance(deps.storage, from), amount);
  deps.storage.set(SUBSCRIPTION_MANAGER_KEYS.balance(from), formatUint128(balance));
  const res = statusResponse('receive');
  res.attributes.push({key: 'balance', value: formatUint128(balance)});
  return res;
}

function keyHandle(api: Api, firstKeyHash: string, subscriber: string): string {
  return toHex(api.sha256(concatBytes(utf8(KEY_HANDLE_TAG), utf8(firstKeyHash), utf8(subscriber))));
}

function activeKeyCount(storage: ReadonlyStorage, subscriber: string): number {
  return storage.get<number>(SUBSCRIPTION_MANAGER_KEYS.activeKeyCount(subscriber)) ?? 0;
}

/** The key's status at block time `now` (unknown and revoked keys get no handle). */
function keyStatus(storage: ReadonlyStorage, hash: string, now: number): ApiKeyStatusResponse {
  const key = storage.get<StoredApiKey>(SUBSCRIPTION_MANAGER_KEYS.apiKey(hash));
  if (!key) return {active: false, key_handle: null, reason: 'unknown'};
  if (key.revoked) return {active: false, key_handle: null, reason: 'revoked'};
  const refusal = entitlement(storage, key.owner, now);
  if (refusal) return {active: false, key_handle: null, reason: refusal};
  return {active: true, key_handle: storage.get<string>(SUBSCRIPTION_MANAGER_KEYS.handle(key.owner)) ?? null, reason: null};
}

/** The SubscriptionManager contract. */
export const subscriptionManager = defineContract<InstantiateMsg, ExecuteMsg, QueryMsg>({
  name: SUBSCRIPTION_MANAGER_NAME,
  version: SUBSCRIPTION_MANAGER_VERSION,
  schemas: SCHEMAS,

  instantiate(deps, env, info, msg) {
    const config: SubscriptionManagerConfig = {
      admin: validateAddress(deps.api, msg.admin ?? info.sender, 'admin'),
      payment_token: checkContractRef(deps.api, msg.payment_token, 'payment token'),
      worker_manager: optionalRef(deps.api, msg.worker_manager, 'worker manager'),
      rewards_manager: optionalRef(deps.api, msg.rewards_manager, 'rewards manager'),
    };
    deps.storage.set(SUBSCRIPTION_MANAGER_KEYS.config, config);
    const seen = new Set<string>();
    for (const plan of msg.plans ?? []) {
      if (seen.has(plan.id)) throw new ContractError(`duplicate plan id ${plan.id}`);
      seen.add(plan.id);
      deps.storage.set(SUBSCRIPTION_MANAGER_KEYS.plan(plan.id), normalisePlan(plan));
    }
    const res = response();
    res.messages.push(registerReceive(env, config.payment_token));
    return res;
  },

  execute: {
    receive(deps, env, info, {from, amount, msg}) {
      const config = loadSubscriptionManagerConfig(deps.storage);
      // Anyone can send a hand-made `receive`; the amount is only trustworthy when the token contract sent it.
      if (info.sender !== config.payment_token.address) {
        throw new ContractError(`Unauthorized: receive is accepted only from the payment token ${config.payment_token.address}`);
      }
      if (msg === undefined || msg === null) throw new ContractError('receive.msg is required: {"deposit":{}} or {"subscribe":{"plan_id":"…"}}');
      const inner = decodeJsonBinary(msg, receiveMsgValidator) as ReceiveMsg;
      const [kind, body] = variantOf(inner);
      const value = parseUint128(amount);
      if (kind === 'subscribe') return subscribe(deps, env, config, from, (body as {plan_id: string}).plan_id, value);
      return deposit(deps, from, value);
    },

    create_api_key(deps, env, info, {key_hash}) {
      const k = SUBSCRIPTION_MANAGER_KEYS;
      if (deps.storage.get(k.apiKey(key_hash)) !== undefined) throw new ContractError('this API key hash was already used; create a new key');
      const count = activeKeyCount(deps.storage, info.sender);
      if (count >= MAX_ACTIVE_API_KEYS) throw new ContractError(`at most ${MAX_ACTIVE_API_KEYS} active API keys per subscriber; revoke one first`);
      const key: StoredApiKey = {owner: info.sender, created_at: env.block.time, revoked: false};
      deps.storage.set(k.apiKey(key_hash), key);
      deps.storage.set(k.ownerKey(info.sender, key_hash), true);
      deps.storage.set(k.activeKeyCount(info.sender), count + 1);
      if (deps.storage.get(k.handle(info.sender)) === undefined) {
        const handle = keyHandle(deps.api, key_hash, info.sender);
        deps.storage.set(k.handle(info.sender), handle);
        deps.storage.set(k.handleOwner(handle), info.sender);
      }
      return statusResponse('create_api_key');
    },

    revoke_api_key(deps, _env, info, {key_hash}) {
      const k = SUBSCRIPTION_MANAGER_KEYS;
      const key = deps.storage.get<StoredApiKey>(k.apiKey(key_hash));
      // Someone else's key answers like an unknown one: the error does not reveal that the hash exists.
      if (!key || key.owner !== info.sender) throw new ContractError('no such API key among yours');
      if (key.revoked) throw new ContractError('this API key is already revoked');
      deps.storage.set(k.apiKey(key_hash), {...key, revoked: true});
      deps.storage.set(k.activeKeyCount(info.sender), Math.max(0, activeKeyCount(deps.storage, info.sender) - 1));
      return statusResponse('revoke_api_key');
    },

    set_plan(deps, _env, info, {plan}) {
      const config = loadSubscriptionManagerConfig(deps.storage);
      requireAdmin(config.admin, info.sender, 'set_plan');
      const exists = deps.storage.get(SUBSCRIPTION_MANAGER_KEYS.plan(plan.id)) !== undefined;
      if (!exists && deps.storage.range(SUBSCRIPTION_MANAGER_KEYS.planPrefix, {limit: MAX_PLANS}).length >= MAX_PLANS) {
        throw new ContractError(`at most ${MAX_PLANS} plans; remove one first`);
      }
      deps.storage.set(SUBSCRIPTION_MANAGER_KEYS.plan(plan.id), normalisePlan(plan));
      return statusResponse('set_plan');
    },

    remove_plan(deps, _env, info, {plan_id}) {
      const config = loadSubscriptionManagerConfig(deps.storage);
      requireAdmin(config.admin, info.sender, 'remove_plan');
      if (deps.storage.get(SUBSCRIPTION_MANAGER_KEYS.plan(plan_id)) === undefined) throw new ContractError(`unknown plan ${JSON.stringify(plan_id)}`);
      deps.storage.remove(SUBSCRIPTION_MANAGER_KEYS.plan(plan_id));
      return statusResponse('remove_plan');
    },

    update_config(deps, env, info, body) {
      const config = loadSubscriptionManagerConfig(deps.storage);
      requireAdmin(config.admin, info.sender, 'update_config');
      const next: SubscriptionManagerConfig = {...config};
      if (body.admin != null) next.admin = validateAddress(deps.api, body.admin, 'admin');
      if (body.payment_token != null) next.payment_token = checkContractRef(deps.api, body.payment_token, 'payment token');
      if (body.worker_manager != null) next.worker_manager = checkContractRef(deps.api, body.worker_manager, 'worker manager');
      if (body.rewards_manager != null) next.rewards_manager = checkContractRef(deps.api, body.rewards_manager, 'rewards manager');
      deps.storage.set(SUBSCRIPTION_MANAGER_KEYS.config, next);
      const res = statusResponse('update_config');
      if (next.payment_token.address !== config.payment_token.address) res.messages.push(registerReceive(env, next.payment_token));
      return res;
    },

    revoke_permit(deps, _env, info, {permit_name}) {
      revokePermit(deps.storage, info.sender, permit_name);
      return statusResponse('revoke_permit');
    },

    charge_usage: notBuilt('charge_usage'),
  },

  query: {
    config(deps): ConfigResponse {
      return loadSubscriptionManagerConfig(deps.storage);
    },

    plans(deps): PlansResponse {
      return {plans: deps.storage.range<Plan>(SUBSCRIPTION_MANAGER_KEYS.planPrefix).map(([, p]) => p)};
    },

    subscription(deps, env, {permit}): SubscriptionResponse {
      const subscriber = verifyPermit(deps, env, permit, env.contract.address, 'balance');
      const sub = deps.storage.get<StoredSubscription>(SUBSCRIPTION_MANAGER_KEYS.subscription(subscriber));
      const active = sub !== undefined && sub.expires_at > env.block.time;
      return {
        subscriber,
        active,
        status: active ? 'active' : sub ? 'expired' : 'none',
        plan_id: sub?.plan_id ?? null,
        expires_at: sub?.expires_at ?? null,
        balance: formatUint128(depositBalance(deps.storage, subscriber)),
        usage: null,
      };
    },

    api_key_status(deps, env, {key_hash}): ApiKeyStatusResponse {
      return keyStatus(deps.storage, key_hash, env.block.time);
    },

    api_keys(deps, env, {permit}): ApiKeysResponse {
      const subscriber = verifyPermit(deps, env, permit, env.contract.address, 'balance');
      const prefix = SUBSCRIPTION_MANAGER_KEYS.ownerKeyPrefix(subscriber);
      const api_keys: ApiKeyInfo[] = deps.storage.range(prefix).map(([storageKey]) => {
        const hash = storageKey.slice(prefix.length);
        const key = deps.storage.get<StoredApiKey>(SUBSCRIPTION_MANAGER_KEYS.apiKey(hash))!;
        return {key_hash: hash, active: keyStatus(deps.storage, hash, env.block.time).active, revoked: key.revoked, created_at: key.created_at};
      });
      return {api_keys};
    },

    api_keys_with_permit(deps, env, {permit}): ApiKeysWithPermitResponse {
      const signer = verifyPermit(deps, env, permit, env.contract.address, null);
      if (signer !== loadSubscriptionManagerConfig(deps.storage).admin) throw new ContractError('Unauthorized: only the admin may list every API key');
      const prefix = SUBSCRIPTION_MANAGER_KEYS.apiKeyPrefix;
      const api_keys = deps.storage
        .range<StoredApiKey>(prefix)
        .filter(([k]) => keyStatus(deps.storage, k.slice(prefix.length), env.block.time).active)
        .map(([k]) => ({hashed_key: k.slice(prefix.length)}));
      return {api_keys};
    },

    revenue(deps, _env, {epoch}): RevenueResponse {
      const r = deps.storage.get<StoredRevenue>(SUBSCRIPTION_MANAGER_KEYS.revenue(epoch)) ?? {amount: '0', payments: 0};
      return {epoch, amount: r.amount, payments: r.payments};
    },

    key_handle_matches(deps, _env, {key_handle, subscriber}): KeyHandleMatchesResponse {
      return {matches: deps.storage.get<string>(SUBSCRIPTION_MANAGER_KEYS.handleOwner(key_handle)) === subscriber};
    },
  },
});
