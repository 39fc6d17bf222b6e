/**
 * What `chat` needs from the subscriber before it asks for a worker: the API key (`SECRETAI_API_KEY`, else the
 * newest key `apikey create` stored in the home for the `--from` key on this chain — never argv), the subscriber's
 * signing key (it signs the permit for `get_next_worker` and countersigns usage records), and a pre-flight check
 * of the key with the SubscriptionManager (`api_key_status`), so "no subscription", "subscription expired" and
 * "revoked key" are said plainly before any worker is contacted.
 */
import type {Context} from '../cli/base-command.js';
import {OperationError, UsageError} from '../errors.js';

/** Environment variable holding the API key. */
export const API_KEY_ENV = 'SECRETAI_API_KEY';

/**
 * The `--from` key. Its mnemonic is unlocked only when needed: to sign a permit that is not cached yet, and to
 * countersign the usage record after the reply (so neither the keyring nor key derivation delays the first token).
 */
export class Subscriber {
  private mnemonic?: Promise<string>;
  private signer?: Promise<import('../chain/index.js').SigningClient>;
  private key?: Promise<Uint8Array>;

  constructor(
    private readonly ctx: Context,
    readonly keyName: string,
    readonly address: string,
  ) {}

  /** The key's mnemonic, unlocked once (a passphrase prompt for the file keyring). */
  private unlock(): Promise<string> {
    this.mnemonic ??= (async () => {
      const {unlockMnemonic} = await import('../keys/service.js');
      const mnemonic = await unlockMnemonic(this.ctx, this.keyName);
      this.ctx.out.registerSecret(mnemonic);
      return mnemonic;
    })();
    return this.mnemonic;
  }

  /** 32-byte secp256k1 private key (countersignatures); derives the key only, without a signing client. */
  async privateKey(): Promise<Uint8Array> {
    this.key ??= (async () => {
      const [{deriveAccount}, mnemonic] = await Promise.all([import('../keys/hd.js'), this.unlock()]);
      return deriveAccount(mnemonic).privateKey;
    })();
    return this.key;
  }

  /** A permit for `contract` signed by this key: the cached one, or signed now (unlocking the key). */
  async permit(contract: string): Promise<import('../chain/index.js').Permit> {
    const {getPermit, permitStoreFor, signingClient} = await import('../chain/index.js');
    // getPermit reads only the address and chain id when the permit is cached; it asks for the secretjs client
    // (and so the unlocked key) only to sign a new one.
    const lazy = {
      address: this.address,
      network: {chainId: this.ctx.profile.chainId},
      secretjsClient: async () => {
        this.signer ??= this.unlock().then((m) => signingClient(this.ctx.profile, m));
        return (await this.signer).secretjsClient();
      },
    } as unknown as import('../chain/index.js').SigningClient;
    return getPermit(lazy, {contracts: [contract], permissions: ['balance']}, permitStoreFor(this.ctx));
  }
}

/** The API key: `SECRETAI_API_KEY`, else the newest stored key of `owner` on this chain; a usage error otherwise. */
export async function resolveApiKey(ctx: Context, owner: {name: string; address: string}): Promise<{key: string; source: 'env' | 'store'}> {
  const fromEnv = ctx.env[API_KEY_ENV]?.trim();
  if (fromEnv) {
    ctx.out.registerSecret(fromEnv);
    return {key: fromEnv, source: 'env'};
  }
  const {ApiKeyStore} = await import('../keys/apikeys.js');
  const store = new ApiKeyStore(ctx.home.value);
  const stored = store.list(ctx.profile.chainId, owner.address);
  const newest = stored[stored.length - 1];
  if (!newest) {
    throw new UsageError(`no API key: ${API_KEY_ENV} is not set and the home holds none for key "${owner.name}" on ${ctx.profile.chainId}`, {
      code: 'API_KEY_REQUIRED',
      suggestion: `run "secretai apikey create --from ${owner.name}" (after "secretai subscribe"), or set ${API_KEY_ENV}`,
    });
  }
  let passphrase: string | undefined;
  if (newest.backend === 'file') {
    const {keyringPassphrase} = await import('../cli/input.js');
    passphrase = await keyringPassphrase(ctx, {creating: false, keyName: owner.name});
  }
  const key = store.open(ctx.profile.chainId, newest.keyHash, passphrase)!;
  ctx.out.registerSecret(key);
  return {key, source: 'store'};
}

/**
 * The API key's standing with the SubscriptionManager; throws the one-line error a user meets for each refusal
 * (exit 1: the operation cannot proceed; the suggestion says what to do).
 */
export async function requireActiveKey(ctx: Context, key: string, keyName: string): Promise<{handle?: string}> {
  const {checkApiKey} = await import('../subscription/check.js');
  const r = await checkApiKey(ctx, key);
  switch (r.status) {
    case 'active':
      return r.handle ? {handle: r.handle} : {};
    case 'expired':
      throw new OperationError('subscription expired: the plan period of this API key\'s subscription has ended', {
        code: 'SUBSCRIPTION_EXPIRED',
        suggestion: `renew it with "secretai subscribe --plan ID --from ${keyName}" (plans: "secretai subscription plans")`,
      });
    case 'no_balance':
      throw new OperationError('no subscription: this API key\'s account has no active plan and no prepaid balance', {
        code: 'NO_SUBSCRIPTION',
        suggestion: `run "secretai subscribe --plan ID --from ${keyName}" or "secretai subscribe --deposit N"`,
      });
    case 'revoked':
      throw new OperationError('the API key was revoked', {code: 'API_KEY_REVOKED', suggestion: `create a new one with "secretai apikey create --from ${keyName}"`});
    default:
      throw new OperationError('the API key is not known to the network\'s SubscriptionManager', {
        code: 'API_KEY_UNKNOWN',
        suggestion: `create one with "secretai apikey create --from ${keyName}" (after "secretai subscribe"), or check ${API_KEY_ENV} and --network`,
      });
  }
}
