/**
 * SubscriptionManager — payments (SNIP-20 `send` → `receive`), plans and API keys (design §4).
 *
 * Built: instantiate, `update_config` (admin), `revoke_permit`, `receive` with `{"deposit":{}}` (only from the
 * configured payment token; credits the token owner's pay-as-you-go balance), and the queries `config`, `plans`
 * and `subscription {permit}`. Every other message of the schema (including `receive` with `subscribe`) is part of
 * the wire interface but answers `<message> is not built yet`.
 */
import {compileSchema} from '../common/schema.js';
import {decodeJsonBinary, defineContract, notBuilt, notBuiltMessage, requireAdmin, statusResponse, validateAddress, variantOf} from '../common/contract.js';
import {revokePermit, verifyPermit} from '../common/permit.js';
import {ContractError, response, type Api, type ReadonlyStorage, type Storage} from '../common/types.js';
import {checkedAdd, formatUint128, parseUint128} from '../common/uint128.js';
import {RECEIVE_MSG_SCHEMA, SCHEMAS} from './schemas.js';
import type {ConfigResponse, ContractRef, ExecuteMsg, InstantiateMsg, Plan, PlansResponse, QueryMsg, ReceiveMsg, SubscriptionResponse} from './types.js';

/** Contract name in the registry. */
export const SUBSCRIPTION_MANAGER_NAME = 'subscription-manager';
/** Contract version (part of the synthetic code hash). */
export const SUBSCRIPTION_MANAGER_VERSION = '0.1.0';

/** Stored configuration; the `config` query answers it as is. */
export type SubscriptionManagerConfig = ConfigResponse;

/** A subscriber's plan period, once `subscribe` is built. */
export interface StoredSubscription {
  plan_id: string;
  /** End of the paid period, Unix seconds. */
  expires_at: number;
}

/** Storage layout (JSON values; amounts as decimal strings). */
export const SUBSCRIPTION_MANAGER_KEYS = {
  config: 'config',
  planPrefix: 'plan:',
  plan: (id: string) => `plan:${id}`,
  balance: (subscriber: string) => `balance:${subscriber}`,
  subscription: (subscriber: string) => `subscription:${subscriber}`,
} as const;

const receiveMsgValidator = compileSchema(RECEIVE_MSG_SCHEMA, 'receive.msg');

/** Loads the configuration (throws if the contract was never instantiated). */
export function loadSubscriptionManagerConfig(storage: ReadonlyStorage): SubscriptionManagerConfig {
  const config = storage.get<SubscriptionManagerConfig>(SUBSCRIPTION_MANAGER_KEYS.config);
  if (!config) throw new ContractError('subscription-manager is not instantiated');
  return config;
}

/** A subscriber's pay-as-you-go balance in payment-token base units. */
export function depositBalance(storage: ReadonlyStorage, subscriber: string): bigint {
  return BigInt(storage.get<string>(SUBSCRIPTION_MANAGER_KEYS.balance(subscriber)) ?? '0');
}

/** Stores a subscription period (written by `subscribe` once it is built). */
export function saveSubscription(storage: Storage, subscriber: string, subscription: StoredSubscription): void {
  storage.set(SUBSCRIPTION_MANAGER_KEYS.subscription(subscriber), subscription);
}

function checkContractRef(api: Api, ref: ContractRef, what: string): ContractRef {
  validateAddress(api, ref.address, what);
  return {address: ref.address, code_hash: ref.code_hash};
}

const optionalRef = (api: Api, ref: ContractRef | null | undefined, what: string): ContractRef | null =>
  ref === undefined || ref === null ? null : checkContractRef(api, ref, what);

function normalisePlan(plan: Plan): Plan {
  parseUint128(plan.price, 'plan price');
  const out: Plan = {id: plan.id, price: plan.price, period_seconds: plan.period_seconds};
  if (plan.token_quota !== undefined && plan.token_quota !== null) out.token_quota = formatUint128(parseUint128(plan.token_quota, 'token_quota'));
  return out;
}

/** The SubscriptionManager contract. */
export const subscriptionManager = defineContract<InstantiateMsg, ExecuteMsg, QueryMsg>({
  name: SUBSCRIPTION_MANAGER_NAME,
  version: SUBSCRIPTION_MANAGER_VERSION,
  schemas: SCHEMAS,

  instantiate(deps, _env, info, msg) {
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
    return response();
  },

  execute: {
    receive(deps, _env, info, {from, amount, msg}) {
      const config = loadSubscriptionManagerConfig(deps.storage);
      // Anyone can send a hand-made `receive`; the amount is only trustworthy when the token contract sent it.
      if (info.sender !== config.payment_token.address) {
        throw new ContractError(`Unauthorized: receive is accepted only from the payment token ${config.payment_token.address}`);
      }
      if (msg === undefined || msg === null) throw new ContractError('receive.msg is required: {"deposit":{}} or {"subscribe":{"plan_id":"…"}}');
      const inner = decodeJsonBinary(msg, receiveMsgValidator) as ReceiveMsg;
      const [kind] = variantOf(inner);
      if (kind !== 'deposit') throw new ContractError(notBuiltMessage(kind));
      const value = parseUint128(amount);
      const key = SUBSCRIPTION_MANAGER_KEYS.balance(from);
      deps.storage.set(key, formatUint128(checkedAdd(depositBalance(deps.storage, from), value)));
      return statusResponse('receive');
    },

    update_config(deps, _env, info, body) {
      const config = loadSubscriptionManagerConfig(deps.storage);
      requireAdmin(config.admin, info.sender, 'update_config');
      const next: SubscriptionManagerConfig = {...config};
      if (body.admin != null) next.admin = validateAddress(deps.api, body.admin, 'admin');
      if (body.payment_token != null) next.payment_token = checkContractRef(deps.api, body.payment_token, 'payment token');
      if (body.worker_manager != null) next.worker_manager = checkContractRef(deps.api, body.worker_manager, 'worker manager');
      if (body.rewards_manager != null) next.rewards_manager = checkContractRef(deps.api, body.rewards_manager, 'rewards manager');
      deps.storage.set(SUBSCRIPTION_MANAGER_KEYS.config, next);
      return statusResponse('update_config');
    },

    revoke_permit(deps, _env, info, {permit_name}) {
      revokePermit(deps.storage, info.sender, permit_name);
      return statusResponse('revoke_permit');
    },

    create_api_key: notBuilt('create_api_key'),
    revoke_api_key: notBuilt('revoke_api_key'),
    set_plan: notBuilt('set_plan'),
    remove_plan: notBuilt('remove_plan'),
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
      return {
        subscriber,
        active: sub !== undefined && sub.expires_at > env.block.time,
        plan_id: sub?.plan_id ?? null,
        expires_at: sub?.expires_at ?? null,
        balance: formatUint128(depositBalance(deps.storage, subscriber)),
        usage: null,
      };
    },

    api_key_status: notBuilt('api_key_status'),
    api_keys: notBuilt('api_keys'),
    api_keys_with_permit: notBuilt('api_keys_with_permit'),
  },
});
