/**
 * Test accounts (BIP-39 test-vector mnemonics, public) and SNIP-24 permits signed by real secretjs, the way the
 * CLI signs them: `client.utils.accessControl.permit.sign(…, keplr = false)` on a client that is never connected.
 */
import {SecretNetworkClient, Wallet} from 'secretjs';
import type {Permit} from '../../contracts/snip20/types.js';

/** Public BIP-39 test mnemonics (never hold funds on a real network). */
export const MNEMONICS = {
  alice: 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about',
  bob: 'legal winner thank year wave sausage worth useful legal winner thank yellow',
  carol: 'letter advice cage absurd amount doctor acoustic avoid letter advice cage above',
} as const;

export type AccountName = keyof typeof MNEMONICS;

/** Chain id used for test permits (only part of the signed bytes). */
export const TEST_CHAIN_ID = 'secretdev-1';

const wallets = new Map<AccountName, Wallet>();

/** The secretjs wallet of a test account (`m/44'/529'/0'/0/0`). */
export function wallet(name: AccountName): Wallet {
  let w = wallets.get(name);
  if (!w) {
    w = new Wallet(MNEMONICS[name]);
    wallets.set(name, w);
  }
  return w;
}

/** The `secret1…` address of a test account. */
export function address(name: AccountName): string {
  return wallet(name).address;
}

/**
 * Signs a permit with secretjs for `contracts` and `permissions`; no network is contacted. (The `Permit` type is
 * the same in every contract's generated types.)
 */
export async function signPermit(
  name: AccountName,
  permitName: string,
  contracts: string[],
  permissions: Array<'allowance' | 'balance' | 'history' | 'owner'>,
  chainId: string = TEST_CHAIN_ID,
): Promise<Permit> {
  const w = wallet(name);
  const client = new SecretNetworkClient({url: 'http://127.0.0.1:1', chainId, wallet: w, walletAddress: w.address});
  return (await client.utils.accessControl.permit.sign(w.address, chainId, permitName, contracts, permissions, false)) as unknown as Permit;
}
