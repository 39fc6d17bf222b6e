/** Services behind the `network` and `config` commands. */
import type {Context} from '../cli/base-command.js';
import {UsageError} from '../errors.js';
import {
  BUILTIN_PROFILES,
  getProfile,
  isSettingName,
  listProfiles,
  normalizeLcdUrl,
  resolveSetting,
  SETTINGS,
  validateProfile,
  validateProfileName,
  type ContractSet,
  type NetworkProfile,
  type SettingName,
  type Source,
} from './index.js';

export interface NetworkRow {
  name: string;
  lcdUrl: string;
  chainId: string;
  active: boolean;
  builtin: boolean;
  description?: string;
}

export function listNetworks(ctx: Context): NetworkRow[] {
  const active = ctx.networkName.value;
  return listProfiles(ctx.config).map((p) => ({name: p.name, lcdUrl: p.lcdUrl, chainId: p.chainId, active: p.name === active, builtin: Boolean(p.builtin), description: p.description}));
}

export function showNetwork(ctx: Context, name?: string): NetworkProfile & {active: boolean} {
  const n = name ?? ctx.networkName.value;
  return {...getProfile(ctx.config, n), active: n === ctx.networkName.value};
}

export interface AddNetworkOptions {
  name: string;
  url: string;
  chainId: string;
  gasPrice?: string;
  allowDevAttestation?: boolean;
  allowTestKeyring?: boolean;
  force?: boolean;
}

/** Adds (or with `force`, replaces) a user profile. Built-in names can only be overridden with `force`. */
export function addNetwork(ctx: Context, o: AddNetworkOptions): NetworkProfile {
  validateProfileName(o.name);
  const exists = Boolean(BUILTIN_PROFILES[o.name] || ctx.config.networks[o.name]);
  if (exists && !o.force) {
    throw new UsageError(`network "${o.name}" already exists`, {code: 'NETWORK_EXISTS', suggestion: 'pick another name, or pass --force to replace its URL and chain id'});
  }
  if (o.allowDevAttestation && (o.chainId === 'secret-4' || o.chainId === 'pulsar-3')) {
    throw new UsageError(`dev attestation cannot be allowed on ${o.chainId}`, {code: 'POLICY_REFUSED'});
  }
  const profile: Partial<NetworkProfile> = {
    ...(ctx.config.networks[o.name] ?? {}),
    name: o.name,
    lcdUrl: normalizeLcdUrl(o.url),
    chainId: o.chainId,
    gasPrice: o.gasPrice ?? ctx.config.networks[o.name]?.gasPrice ?? BUILTIN_PROFILES[o.name]?.gasPrice ?? '0.1',
    attestation: {allowDev: Boolean(o.allowDevAttestation), strict: false},
    allowTestKeyring: o.allowTestKeyring ?? o.chainId !== 'secret-4',
    contracts: ctx.config.networks[o.name]?.contracts ?? {},
  };
  const merged = {...(BUILTIN_PROFILES[o.name] ?? {}), ...profile} as NetworkProfile;
  validateProfile(merged);
  ctx.store.update((cfg) => {
    cfg.networks[o.name] = profile;
  });
  ctx.reload();
  return getProfile(ctx.config, o.name);
}

/**
 * Sets contract references of a network profile (stored as the profile's override; other contracts are kept) and
 * returns the profile as it now resolves.
 */
export function saveNetworkContracts(ctx: Context, name: string, contracts: Partial<ContractSet>): NetworkProfile {
  getProfile(ctx.config, name); // must exist
  ctx.store.update((cfg) => {
    const prev = cfg.networks[name] ?? {};
    cfg.networks[name] = {...prev, contracts: {...(prev.contracts ?? {}), ...contracts}};
  });
  ctx.reload();
  return getProfile(ctx.config, name);
}

export function useNetwork(ctx: Context, name: string): {network: string} {
  getProfile(ctx.config, name); // must exist
  ctx.store.update((cfg) => {
    cfg.settings.network = name;
  });
  ctx.reload();
  return {network: name};
}

export interface SettingRow {
  key: SettingName;
  value: string | null;
  source: Source;
  env: string;
  description: string;
}

function requireSetting(key: string): SettingName {
  if (!isSettingName(key)) {
    throw new UsageError(`unknown setting "${key}" (known: ${Object.keys(SETTINGS).join(', ')})`, {code: 'SETTING_UNKNOWN'});
  }
  return key;
}

export function getSetting(ctx: Context, key: string, flags: Partial<Record<SettingName, string>>): SettingRow {
  const k = requireSetting(key);
  const r = resolveSetting(k, flags[k], ctx.config, ctx.env);
  return {key: k, value: r.value ?? null, source: r.source, env: SETTINGS[k].env, description: SETTINGS[k].description};
}

export function showSettings(ctx: Context, flags: Partial<Record<SettingName, string>>): {home: {value: string; source: Source}; settings: SettingRow[]} {
  return {home: ctx.home, settings: (Object.keys(SETTINGS) as SettingName[]).map((k) => getSetting(ctx, k, flags))};
}

/** Validates and stores a setting; an empty value removes it. */
export function setSetting(ctx: Context, key: string, value: string): SettingRow {
  const k = requireSetting(key);
  if (value !== '') {
    if (k === 'network') getProfile(ctx.config, value);
    if (k === 'keyring-backend' && value !== 'file' && value !== 'test') throw new UsageError(`keyring-backend must be file or test, got "${value}"`);
  }
  ctx.store.update((cfg) => {
    if (value === '') delete cfg.settings[k];
    else cfg.settings[k] = value;
  });
  ctx.reload();
  return getSetting(ctx, k, {});
}
