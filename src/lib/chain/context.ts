/**
 * The chain layer as a command's services use it: clients for the invocation's network and key.
 *
 *     const signer = await signerFor(ctx);                 // --from / SECRETAI_KEY, passphrase if needed
 *     const {paymentToken, subscriptionManager} = contractsFor(ctx, signer);
 *     await subscriptionManager.subscribe(signer, paymentToken, 'basic', price);
 */
import path from 'node:path';
import type {Context} from '../cli/base-command.js';
import {FileIoKeyStore} from './io-key.js';
import {readClient, type ChainClient, type ChainClientOptions} from './read-client.js';
import {signingClient, type SigningClient} from './signing-client.js';
import {clientsFor, type SecretAiClients} from './contracts/index.js';
import {FilePermitStore} from './permit.js';

/** File of cached permits under the home directory (mode 0600). */
export const PERMITS_FILE = 'permits.json';

/**
 * A read-only client for the invocation's network (the same one for every call without options); it remembers the
 * chain's consensus IO key in the home's cache (`cache/chain/io-keys.json`), so later commands skip asking for it.
 */
export function chainFor(ctx: Context, opts: ChainClientOptions = {}): ChainClient {
  const make = () => readClient(ctx.profile, {ioKeys: FileIoKeyStore.forHome(ctx.home.value), ...opts});
  if (Object.keys(opts).length) return make();
  // One client per invocation and network: its queries share one encryption context (secretjs derives a key pair
  // for each) and one IO key lookup.
  const byNetwork = sharedClients.get(ctx) ?? new Map<string, ChainClient>();
  sharedClients.set(ctx, byNetwork);
  const id = `${ctx.profile.chainId} ${ctx.profile.lcdUrl}`;
  let client = byNetwork.get(id);
  if (!client) byNetwork.set(id, (client = make()));
  return client;
}

const sharedClients = new WeakMap<Context, Map<string, ChainClient>>();

/**
 * A signing client for the invocation's key (`--from`, `SECRETAI_KEY`, config) on its network; asks for the keyring
 * passphrase when needed. The mnemonic is registered with the output for redaction and never leaves this call.
 */
export async function signerFor(ctx: Context, opts: ChainClientOptions & {key?: string} = {}): Promise<SigningClient> {
  const {key, ...clientOpts} = opts;
  const name = key ?? ctx.requireFrom();
  const {unlockMnemonic} = await import('../keys/service.js');
  const mnemonic = await unlockMnemonic(ctx, name);
  ctx.out.registerSecret(mnemonic);
  return signingClient(ctx.profile, mnemonic, clientOpts);
}

/** The contract clients of the invocation's network, querying through `chain` (default: a new read client). */
export function contractsFor(ctx: Context, chain: ChainClient = chainFor(ctx)): SecretAiClients {
  return clientsFor(ctx.profile, chain);
}

/** The permit cache of the home directory. */
export function permitStoreFor(ctx: Context): FilePermitStore {
  return new FilePermitStore(path.join(ctx.home.value, PERMITS_FILE));
}
