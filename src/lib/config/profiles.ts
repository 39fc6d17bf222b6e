/** Network profiles: where a chain is, and how much to trust on it. */
import {DEVNET_CHAIN_ID} from '../../common/networks.js';
import type {MeasurementPolicy} from '../../attest/measurements.js';
import {UsageError} from '../errors.js';

/** A deployed contract: bech32 address and its code hash (64 lower-case hex). */
export interface ContractRef {
  address: string;
  codeHash: string;
}

export interface ContractSet {
  workerManager?: ContractRef;
  subscriptionManager?: ContractRef;
  rewardsManager?: ContractRef;
  /** The SNIP-20 token users pay with. */
  paymentToken?: ContractRef;
  /** The existing Secret AI deployment's worker contract (read-only `get_models`/`get_u_r_ls`); code hash looked up when absent. */
  legacyWorkerManager?: {address: string; codeHash?: string};
}

export interface AttestationSettings {
  /** Accept devnet-only dev attestation (never on public networks). */
  allowDev: boolean;
  /** Reject SWHardeningNeeded / ConfigurationNeeded TCB statuses instead of accepting them with a warning. */
  strict: boolean;
  /**
   * Let verification use the network (Intel PCS, AMD KDS, NVIDIA RIM and OCSP) without `--online`; answers are
   * cached for their validity. Default false: offline, what could not be checked makes the verdict unverifiable.
   */
  online?: boolean;
  /**
   * Accepted measurements for this network (the policy document of `src/attest/measurements.ts`). Takes
   * precedence over the WorkerManager's `accepted_measurements`; `--measurements FILE` over both.
   */
  measurements?: MeasurementPolicy;
}

export interface NetworkProfile {
  name: string;
  /** LCD (REST) endpoint, no trailing slash. */
  lcdUrl: string;
  chainId: string;
  /** Gas price in uscrt per gas unit, a decimal string. */
  gasPrice: string;
  contracts: ContractSet;
  attestation: AttestationSettings;
  /** Whether the plaintext `test` keyring may sign here. */
  allowTestKeyring: boolean;
  /** A built-in profile (can be overridden, not removed). */
  builtin?: boolean;
  /** Free text shown by `network list`. */
  description?: string;
}

export const BUILTIN_PROFILES: Record<string, NetworkProfile> = {
  local: {
    name: 'local',
    lcdUrl: 'http://127.0.0.1:1317',
    chainId: DEVNET_CHAIN_ID,
    gasPrice: '0.1',
    contracts: {},
    attestation: {allowDev: true, strict: false},
    allowTestKeyring: true,
    description: 'embedded devnet (secretai devnet start)',
  },
  'pulsar-3': {
    name: 'pulsar-3',
    lcdUrl: 'https://pulsar.lcd.secretnodes.com',
    chainId: 'pulsar-3',
    gasPrice: '0.1',
    contracts: {legacyWorkerManager: {address: 'secret18cy3cgnmkft3ayma4nr37wgtj4faxfnrnngrlq'}},
    attestation: {allowDev: false, strict: false},
    allowTestKeyring: true,
    description: 'Secret Network testnet',
  },
  'secret-4': {
    name: 'secret-4',
    lcdUrl: 'https://lcd.secret.tactus.starshell.net',
    chainId: 'secret-4',
    gasPrice: '0.1',
    contracts: {legacyWorkerManager: {address: 'secret1xv90yettghx8uv6ug23knaf5mjqwlsghau6aqa'}},
    attestation: {allowDev: false, strict: false},
    allowTestKeyring: false,
    description: 'Secret Network mainnet',
  },
};

const NAME_RE = /^[a-z0-9][a-z0-9._-]{0,63}$/i;
const CHAIN_ID_RE = /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,63}$/;
const ADDRESS_RE = /^secret1[02-9ac-hj-np-z]{38}$/;
const CODE_HASH_RE = /^[0-9a-f]{64}$/;

export function validateProfileName(name: string): void {
  if (!NAME_RE.test(name)) {
    throw new UsageError(`invalid network name "${name}": use letters, digits, ".", "_" or "-" (max 64)`, {code: 'NETWORK_NAME_INVALID'});
  }
}

/** Normalises and checks an LCD URL: http(s), no credentials, no trailing slash. */
export function normalizeLcdUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UsageError(`invalid LCD URL "${url}"`, {code: 'URL_INVALID', suggestion: 'use a URL such as https://lcd.example.com'});
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new UsageError(`LCD URL must be http or https: "${url}"`, {code: 'URL_INVALID'});
  if (u.username || u.password) throw new UsageError('LCD URL must not contain credentials', {code: 'URL_INVALID'});
  return u.toString().replace(/\/+$/, '');
}

export function validateProfile(p: NetworkProfile): void {
  validateProfileName(p.name);
  if (!p.lcdUrl) throw new UsageError(`network "${p.name}" has no LCD URL`, {code: 'NETWORK_INVALID'});
  normalizeLcdUrl(p.lcdUrl);
  if (!CHAIN_ID_RE.test(p.chainId ?? '')) throw new UsageError(`network "${p.name}" has an invalid chain id "${p.chainId}"`, {code: 'NETWORK_INVALID'});
  if (!/^\d+(\.\d+)?$/.test(p.gasPrice ?? '')) throw new UsageError(`network "${p.name}" has an invalid gas price "${p.gasPrice}"`, {code: 'NETWORK_INVALID'});
  for (const [k, ref] of Object.entries(p.contracts ?? {})) {
    if (!ref) continue;
    if (!ADDRESS_RE.test(ref.address)) throw new UsageError(`network "${p.name}": contract ${k} has an invalid address`, {code: 'NETWORK_INVALID'});
    if (ref.codeHash !== undefined && !CODE_HASH_RE.test(ref.codeHash)) throw new UsageError(`network "${p.name}": contract ${k} has an invalid code hash`, {code: 'NETWORK_INVALID'});
  }
}

/** True for bech32 `secret1…` account addresses (charset and length only; the checksum is checked where bech32 is decoded). */
export function looksLikeAddress(s: string): boolean {
  return ADDRESS_RE.test(s);
}
