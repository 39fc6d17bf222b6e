/**
 * Subscription services behind `subscription plans|status`, `subscribe` and `apikey create|list|revoke`
 * (design.md §4, §6). Every chain access goes through the contract clients of `src/lib/chain`.
 *
 * Payments are SNIP-20 `send`s of the profile's payment token to the SubscriptionManager. Everything that can be
 * checked before paying is checked first, and refused as a usage error (exit 2, nothing sent): an unknown plan, a
 * malformed or zero amount, a payment token that is not the SubscriptionManager's, a token balance below the
 * price. What only the contract can refuse fails the tx (exit 1), and the tokens stay with the sender.
 */
import type {Context} from '../cli/base-command.js';
import {confirm, keyringPassphrase} from '../cli/input.js';
import {UsageError} from '../errors.js';
import {ApiKeyStore, apiKeyHash, generateApiKey, API_KEY_PREFIX} from '../keys/apikeys.js';
import {Keyring} from '../keys/index.js';

export {checkApiKey, ApiKeyChecker, API_KEY_CACHE_TTL_MS, API_KEY_NEGATIVE_CACHE_TTL_MS, type ApiKeyCheck, type ApiKeyCheckStatus} from './check.js';

/** A plan as the commands show it. */
export interface PlanOut {
  id: string;
  /** Price per period, payment-token base units. */
  price: string;
  periodSeconds: number;
  tokenQuota?: string;
  /** Price in whole tokens with the symbol, e.g. `10 SAIT`. */
  priceDisplay: string;
}

/** Result of `subscribe`. */
export interface SubscribeOut {
  txHash: string;
  subscriber: string;
  /** Amount paid, base units. */
  amount: string;
  amountDisplay: string;
  plan?: string;
  /** End of the paid period, ISO 8601 UTC, and Unix seconds. */
  expiresAt?: string;
  expiresAtUnix?: number;
  /** Prepaid balance after the payment, base units. */
  balance: string;
}

/** Result of `subscription status`. */
export interface StatusOut {
  subscriber: string;
  active: boolean;
  status: 'active' | 'expired' | 'none';
  plan: string | null;
  expiresAt: string | null;
  expiresAtUnix: number | null;
  balance: string;
  balanceDisplay: string;
  usage: {epoch: number; inputTokens: number; outputTokens: number} | null;
}

/** One API key in `apikey list`. */
export interface ApiKeyOut {
  keyHash: string;
  active: boolean;
  revoked: boolean;
  createdAt: string;
  /** The key itself is kept in this home's key store (for `chat`). */
  stored: boolean;
}

const iso = (unix: number): string => new Date(unix * 1000).toISOString();

async function chainParts(ctx: Context, opts: {sign: boolean}) {
  const chain = await import('../chain/index.js');
  const signer = opts.sign ? await chain.signerFor(ctx) : undefined;
  const clients = chain.contractsFor(ctx, signer ?? chain.chainFor(ctx));
  return {chain, signer, clients};
}

async function tokenUnits(clients: {paymentToken: {tokenInfo(): Promise<{symbol: string; decimals: number}>}}) {
  const info = await clients.paymentToken.tokenInfo();
  return {symbol: info.symbol, decimals: info.decimals};
}

/** Plans on offer (public query). */
export async function listPlans(ctx: Context): Promise<PlanOut[]> {
  const {chain, clients} = await chainParts(ctx, {sign: false});
  const [plans, units] = await Promise.all([clients.subscriptionManager.plans(), tokenUnits(clients)]);
  return plans.map((p) => ({
    id: p.id,
    price: p.price,
    periodSeconds: p.period_seconds,
    ...(p.token_quota ? {tokenQuota: p.token_quota} : {}),
    priceDisplay: chain.formatTokenAmount(p.price, units),
  }));
}

/** Human period: `30 days`, `2 hours`, `90 seconds`. */
export function formatPeriod(seconds: number): string {
  for (const [unit, s] of [['day', 86400], ['hour', 3600], ['minute', 60]] as const) {
    if (seconds >= s && seconds % s === 0) return `${seconds / s} ${unit}${seconds / s === 1 ? '' : 's'}`;
  }
  return `${seconds} second${seconds === 1 ? '' : 's'}`;
}

/** Pays for one period of a plan (`plan`) or adds a prepaid deposit (`deposit`, base units or e.g. `1.5SAIT`). */
export async function subscribeService(ctx: Context, o: {plan?: string; deposit?: string}): Promise<SubscribeOut> {
  if ((o.plan === undefined) === (o.deposit === undefined)) {
    throw new UsageError('give exactly one of --plan ID or --deposit AMOUNT', {code: 'USAGE', suggestion: 'secretai subscription plans lists the plans'});
  }
  const {chain, signer, clients} = await chainParts(ctx, {sign: true});
  const sm = clients.subscriptionManager;
  const token = clients.paymentToken;
  const [config, units] = await Promise.all([sm.config(), tokenUnits(clients)]);
  if (config.payment_token.address !== token.address) {
    throw new UsageError(`the profile's payment token ${token.address} is not the SubscriptionManager's token ${config.payment_token.address}`, {
      code: 'WRONG_TOKEN',
      suggestion: `set the network profile's paymentToken to ${config.payment_token.address}`,
    });
  }
  let amount: bigint;
  let what: string;
  if (o.plan !== undefined) {
    const plans = await sm.plans();
    const plan = plans.find((p) => p.id === o.plan);
    if (!plan) {
      throw new UsageError(`unknown plan "${o.plan}"`, {code: 'PLAN_UNKNOWN', suggestion: plans.length ? `plans on offer: ${plans.map((p) => p.id).join(', ')}` : 'no plans are on offer'});
    }
    amount = BigInt(plan.price);
    what = `plan ${plan.id} (${formatPeriod(plan.period_seconds)})`;
  } else {
    amount = chain.parseTokenAmount(o.deposit!, units, {bare: 'base', what: '--deposit amount'});
    if (amount <= 0n) throw new UsageError('--deposit must be more than 0', {code: 'AMOUNT_INVALID'});
    what = 'a prepaid deposit';
  }
  const display = chain.formatTokenAmount(amount, units);
  const balance = await token.balanceOf(signer!, chain.permitStoreFor(ctx));
  if (balance < amount) {
    throw new UsageError(`insufficient ${units.symbol} balance: ${chain.formatTokenAmount(balance, units)} held, ${display} needed; nothing was sent`, {
      code: 'INSUFFICIENT_BALANCE',
      suggestion: chain.isLocalNetwork(ctx.profile) ? `secretai devnet fund ${signer!.address} --token ${amount}` : `get ${units.symbol} into ${signer!.address} first`,
    });
  }
  await confirm(ctx, `Pay ${display} (${amount} base units) for ${what} from ${signer!.address}?`);
  const r = o.plan !== undefined ? await sm.subscribe(signer!, token, o.plan, amount) : await sm.deposit(signer!, token, amount);
  const sub = await sm.subscription(await chain.getPermit(signer!, {contracts: [sm.address], permissions: ['balance']}, chain.permitStoreFor(ctx)));
  return {
    txHash: r.txHash,
    subscriber: signer!.address,
    amount: amount.toString(),
    amountDisplay: display,
    ...(o.plan !== undefined && sub.expires_at !== null ? {plan: sub.plan_id ?? o.plan, expiresAt: iso(sub.expires_at), expiresAtUnix: sub.expires_at} : {}),
    balance: sub.balance,
  };
}

/** The `--from` key's subscription, read with a permit. */
export async function subscriptionStatus(ctx: Context): Promise<StatusOut> {
  const {chain, signer, clients} = await chainParts(ctx, {sign: true});
  const sm = clients.subscriptionManager;
  const permit = await chain.getPermit(signer!, {contracts: [sm.address], permissions: ['balance']}, chain.permitStoreFor(ctx));
  const [sub, units] = await Promise.all([sm.subscription(permit), tokenUnits(clients)]);
  return {
    subscriber: sub.subscriber,
    active: sub.active,
    status: sub.status,
    plan: sub.plan_id,
    expiresAt: sub.expires_at === null ? null : iso(sub.expires_at),
    expiresAtUnix: sub.expires_at,
    balance: sub.balance,
    balanceDisplay: chain.formatTokenAmount(sub.balance, units),
    usage: sub.usage ? {epoch: sub.usage.epoch, inputTokens: sub.usage.input_tokens, outputTokens: sub.usage.output_tokens} : null,
  };
}

/** Result of `apikey create`: the key, shown once. */
export interface CreateKeyOut {
  key: string;
  keyHash: string;
  txHash: string;
  /** Where the key is kept for `chat` (the home's key store). */
  stored: boolean;
}

/**
 * Creates a random API key, stores it (sealed with the keyring passphrase for a `file` key) and registers its
 * SHA-256 on chain. If the tx fails the stored copy is removed again.
 */
export async function createApiKey(ctx: Context): Promise<CreateKeyOut> {
  const {signer, clients} = await chainParts(ctx, {sign: true});
  const name = ctx.requireFrom();
  const backend = new Keyring(ctx.home.value).show(name).backend;
  const passphrase = backend === 'file' ? await keyringPassphrase(ctx, {creating: false, keyName: name}) : undefined;
  const sm = clients.subscriptionManager;
  const key = generateApiKey();
  const keyHash = apiKeyHash(key);
  const store = new ApiKeyStore(ctx.home.value);
  const chainId = ctx.profile.chainId;
  store.save(key, {chainId, contract: sm.address, owner: {name, address: signer!.address}, backend}, passphrase);
  try {
    const r = await sm.createApiKey(signer!, keyHash);
    return {key, keyHash, txHash: r.txHash, stored: true};
  } catch (err) {
    store.remove(chainId, keyHash);
    throw err;
  }
}

/** The `--from` key's API keys on chain, with whether each is kept in this home. */
export async function listApiKeys(ctx: Context): Promise<ApiKeyOut[]> {
  const {chain, signer, clients} = await chainParts(ctx, {sign: true});
  const sm = clients.subscriptionManager;
  const permit = await chain.getPermit(signer!, {contracts: [sm.address], permissions: ['balance']}, chain.permitStoreFor(ctx));
  const stored = new Set(new ApiKeyStore(ctx.home.value).list(ctx.profile.chainId, signer!.address).map((k) => k.keyHash));
  const keys = await sm.apiKeys(permit);
  return keys
    .map((k) => ({keyHash: k.key_hash, active: k.active, revoked: k.revoked, createdAt: iso(k.created_at), stored: stored.has(k.key_hash)}))
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.keyHash.localeCompare(b.keyHash));
}

/** Checks the KEY_HASH argument of `apikey revoke` (a key given by mistake is refused without being echoed). */
export function parseKeyHash(text: string): string {
  const t = text.trim();
  if (t.startsWith(API_KEY_PREFIX)) {
    throw new UsageError('that looks like an API key, not its hash: keys never go on the command line', {
      code: 'KEY_HASH_INVALID',
      suggestion: 'run "secretai apikey list" for the hashes',
    });
  }
  const h = t.toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(h)) throw new UsageError('invalid API key hash: expected 64 hex characters (SHA-256)', {code: 'KEY_HASH_INVALID', suggestion: 'run "secretai apikey list" for the hashes'});
  return h;
}

/** Revokes one of the `--from` key's API keys; the stored copy is deleted. */
export async function revokeApiKey(ctx: Context, hashText: string): Promise<{txHash: string; keyHash: string; revoked: true}> {
  const keyHash = parseKeyHash(hashText);
  const {signer, clients} = await chainParts(ctx, {sign: true});
  const r = await clients.subscriptionManager.revokeApiKey(signer!, keyHash);
  new ApiKeyStore(ctx.home.value).remove(ctx.profile.chainId, keyHash);
  return {txHash: r.txHash, keyHash, revoked: true};
}
