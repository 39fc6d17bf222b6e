/**
 * SubscriptionManager client (design.md §4; messages from `contracts/subscription-manager/types.ts`).
 * Payments go through the SNIP-20 token: `send` to this contract with `msg` = a {@link ReceiveMsg}.
 */
import type * as T from '../../../../contracts/subscription-manager/types.js';
import {UsageError} from '../../errors.js';
import type {ChainClient, ExecuteResult, SigningClient, TxSettings} from '../client.js';
import {ContractClient, withGas, type ContractBinding} from '../contract.js';
import {GAS_LIMITS} from '../gas.js';
import type {Permit} from '../permit.js';
import type {Snip20Client} from './snip20.js';

export type SubscriptionManagerQuery = T.QueryMsg;
export type SubscriptionManagerExecute = T.ExecuteMsg;
export type SubscriptionReceiveMsg = T.ReceiveMsg;
export type Plan = T.Plan;
export type Subscription = T.SubscriptionResponse;
export type ApiKeyInfo = T.ApiKeyInfo;
export type SubscriptionManagerConfigUpdate = Omit<Extract<SubscriptionManagerExecute, {update_config: unknown}>['update_config'], 'padding'>;

type Status = T.StatusAnswer;

const SHA256_HEX_RE = /^[0-9a-f]{64}$/;

function keyHash(hash: string): string {
  const h = String(hash).trim().toLowerCase();
  if (!SHA256_HEX_RE.test(h)) throw new UsageError(`invalid API key hash "${hash}": expected 64 hex characters (SHA-256)`, {code: 'KEY_HASH_INVALID'});
  return h;
}

/** The Secret AI SubscriptionManager. */
export class SubscriptionManagerClient extends ContractClient<SubscriptionManagerQuery, SubscriptionManagerExecute> {
  constructor(chain: ChainClient, binding: ContractBinding, label = 'subscriptionManager') {
    super(chain, binding, label, GAS_LIMITS.admin);
  }

  config(): Promise<T.ConfigResponse> {
    return this.query<T.ConfigResponse>({config: {}});
  }

  async plans(): Promise<Plan[]> {
    return (await this.query<T.PlansResponse>({plans: {}})).plans;
  }

  /** The permit signer's subscription (permit for this contract, `balance` or `owner`). */
  subscription(permit: Permit): Promise<Subscription> {
    return this.query<T.SubscriptionResponse>({subscription: {permit: permit as T.Permit}});
  }

  /** Whether an API key hash is accepted now, why not (`reason`), and its opaque handle (public). */
  apiKeyStatus(hash: string): Promise<T.ApiKeyStatusResponse> {
    return this.query<T.ApiKeyStatusResponse>({api_key_status: {key_hash: keyHash(hash)}});
  }

  /** Plan payments received in a RewardsManager epoch (public). */
  revenue(epoch: number): Promise<T.RevenueResponse> {
    return this.query<T.RevenueResponse>({revenue: {epoch}});
  }

  /** The permit signer's API keys (permit for this contract with `balance` or `owner`). */
  async apiKeys(permit: Permit): Promise<ApiKeyInfo[]> {
    return (await this.query<T.ApiKeysResponse>({api_keys: {permit: permit as T.Permit}})).api_keys;
  }

  /** Every accepted API key hash (admin permit; secret-ai-caddy shape). */
  async apiKeysWithPermit(permit: Permit): Promise<string[]> {
    return (await this.query<T.ApiKeysWithPermitResponse>({api_keys_with_permit: {permit: permit as T.Permit}})).api_keys.map((k) => k.hashed_key);
  }

  /** Pays `price` base units of `token` for plan `planId` (SNIP-20 `send` with `{"subscribe":{"plan_id"}}`). */
  async subscribe(signer: SigningClient, token: Snip20Client, planId: string, price: bigint, opts: TxSettings = {}): Promise<ExecuteResult<{send: Status}>> {
    const ref = await this.ref();
    const msg: SubscriptionReceiveMsg = {subscribe: {plan_id: planId}};
    return token.send(signer, ref.address, price, {recipientCodeHash: ref.codeHash, msg, ...opts});
  }

  /** Adds `amount` base units of `token` to the signer's pay-as-you-go balance (`{"deposit":{}}`). */
  async deposit(signer: SigningClient, token: Snip20Client, amount: bigint, opts: TxSettings = {}): Promise<ExecuteResult<{send: Status}>> {
    if (amount <= 0n) throw new UsageError('the deposit amount must be positive', {code: 'AMOUNT_INVALID'});
    const ref = await this.ref();
    const msg: SubscriptionReceiveMsg = {deposit: {}};
    return token.send(signer, ref.address, amount, {recipientCodeHash: ref.codeHash, msg, ...opts});
  }

  createApiKey(signer: SigningClient, hash: string, opts: TxSettings = {}): Promise<ExecuteResult<{create_api_key: Status}>> {
    return this.execute(signer, {create_api_key: {key_hash: keyHash(hash)}}, opts);
  }

  revokeApiKey(signer: SigningClient, hash: string, opts: TxSettings = {}): Promise<ExecuteResult<{revoke_api_key: Status}>> {
    return this.execute(signer, {revoke_api_key: {key_hash: keyHash(hash)}}, opts);
  }

  setPlan(signer: SigningClient, plan: Plan, opts: TxSettings = {}): Promise<ExecuteResult<{set_plan: Status}>> {
    return this.execute(signer, {set_plan: {plan}}, opts);
  }

  removePlan(signer: SigningClient, planId: string, opts: TxSettings = {}): Promise<ExecuteResult<{remove_plan: Status}>> {
    return this.execute(signer, {remove_plan: {plan_id: planId}}, opts);
  }

  /** RewardsManager only (exposed for completeness and tests). */
  chargeUsage(signer: SigningClient, charges: T.UsageCharge[], opts: TxSettings = {}): Promise<ExecuteResult<{charge_usage: Status}>> {
    return this.execute(signer, {charge_usage: {charges}}, opts);
  }

  updateConfig(signer: SigningClient, update: SubscriptionManagerConfigUpdate, opts: TxSettings = {}): Promise<ExecuteResult<{update_config: Status}>> {
    return this.execute(signer, {update_config: update}, opts);
  }

  revokePermit(signer: SigningClient, permitName: string, opts: TxSettings = {}): Promise<ExecuteResult<{revoke_permit: Status}>> {
    return this.execute(signer, {revoke_permit: {permit_name: permitName}}, withGas(GAS_LIMITS.snip20RevokePermit, opts));
  }
}
