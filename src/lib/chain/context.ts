/**
 * The chain layer as a command's services use it: clients for the invocation's network and key.
 *
 *     const signer = await signerFor(ctx);                 // --from / SECRETAI_KEY, passphrase if needed
 *     const {paymentToken, subscriptionManager} = contractsFor(ctx, signer);
 *     await subscriptionManager.subscribe(signer, paymentToken, 'basic', price);
 */
import path from 'node:path';
import type {Context} from '../cli/base-command.js';
import {readClient, signingClient, type ChainClient, type ChainClientOptions, type SigningClient} from './client.js';
import {clientsFor, type SecretAiClients} from './contracts/index.js';
import {FilePermitStore} from './permit.js';

/** File of cached permits under the home directory (mode 0600). */
export const PERMITS_FILE = 'permits.json';

/** A read-only client for the invocation's network. */
export function chainFor(ctx: Context, opts: ChainClientOptions = {}): ChainClient {
  return readClient(ctx.profile, opts);
}

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
