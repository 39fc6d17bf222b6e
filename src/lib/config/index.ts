/**
 * Home directory, settings and network profiles.
 * Precedence for every setting: flag > environment > config file (profile) > built-in default.
 */
import {chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {UsageError} from '../errors.js';
import {BUILTIN_PROFILES, type NetworkProfile, validateProfile} from './profiles.js';

export * from './profiles.js';

/** Where a resolved value came from. */
export type Source = 'flag' | 'env' | 'config' | 'default';

export interface Resolved<T> {
  value: T;
  source: Source;
}

/** The settings `config get|set` manage, with their environment variables and defaults. */
export const SETTINGS = {
  network: {env: 'SECRETAI_NETWORK', default: 'local', description: 'network profile used when --network is not given'},
  from: {env: 'SECRETAI_KEY', default: undefined, description: 'key used to sign when --from is not given'},
  'keyring-backend': {env: 'SECRETAI_KEYRING_BACKEND', default: 'file', description: 'keyring for new keys: file (encrypted) or test (plaintext, devnets only)'},
  'model-dir': {env: 'SECRETAI_MODEL_DIR', default: undefined, description: 'directory of model files for the embedded backend'},
} as const satisfies Record<string, {env: string; default: string | undefined; description: string}>;

export type SettingName = keyof typeof SETTINGS;

export function isSettingName(name: string): name is SettingName {
  return Object.hasOwn(SETTINGS, name);
}

/** The on-disk config file (`<home>/config.json`). */
export interface ConfigFile {
  settings: Partial<Record<SettingName, string>>;
  /** User-added profiles, and per-network overrides of built-in ones (e.g. the devnet's contract addresses on `local`). */
  networks: Record<string, Partial<NetworkProfile>>;
}

/** The platform config dir: `$XDG_CONFIG_HOME/secretai`, `~/Library/Application Support/secretai`, `%APPDATA%\secretai`, else `~/.config/secretai`. */
export function defaultHome(env: NodeJS.ProcessEnv = process.env): string {
  if (env.XDG_CONFIG_HOME) return path.join(env.XDG_CONFIG_HOME, 'secretai');
  if (process.platform === 'darwin') return path.join(os.homedir(), 'Library', 'Application Support', 'secretai');
  if (process.platform === 'win32' && env.APPDATA) return path.join(env.APPDATA, 'secretai');
  return path.join(os.homedir(), '.config', 'secretai');
}

/** Home directory: `--home` > `$SECRETAI_HOME` > platform default. */
export function resolveHome(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): Resolved<string> {
  if (flag) return {value: path.resolve(flag), source: 'flag'};
  if (env.SECRETAI_HOME) return {value: path.resolve(env.SECRETAI_HOME), source: 'env'};
  return {value: defaultHome(env), source: 'default'};
}

/** Reads and writes `<home>/config.json`; a missing file is an empty config. */
export class ConfigStore {
  readonly file: string;

  constructor(readonly home: string) {
    this.file = path.join(home, 'config.json');
  }

  read(): ConfigFile {
    if (!existsSync(this.file)) return {settings: {}, networks: {}};
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(this.file, 'utf8'));
    } catch (err) {
      throw new UsageError(`config file ${this.file} is not valid JSON: ${(err as Error).message}`, {
        code: 'CONFIG_INVALID',
        suggestion: `fix or remove ${this.file}`,
      });
    }
    const c = parsed as Partial<ConfigFile>;
    return {settings: {...(c.settings ?? {})}, networks: {...(c.networks ?? {})}};
  }

  /** Atomic write (temp file + rename) so a crash never leaves half a config. */
  write(cfg: ConfigFile): void {
    ensureDir(this.home);
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(cfg, null, 2) + '\n', {mode: 0o600});
    renameSync(tmp, this.file);
  }

  update(fn: (cfg: ConfigFile) => void): ConfigFile {
    const cfg = this.read();
    fn(cfg);
    this.write(cfg);
    return cfg;
  }
}

/** Creates a directory (and parents) readable only by the owner. */
export function ensureDir(dir: string): void {
  if (!existsSync(dir)) mkdirSync(dir, {recursive: true, mode: 0o700});
  else if (process.platform !== 'win32') {
    try {
      chmodSync(dir, 0o700);
    } catch {
      /* not ours to change; reading still works */
    }
  }
}

/** Resolves one setting: flag > env > config > default. */
export function resolveSetting(
  name: SettingName,
  flag: string | undefined,
  cfg: ConfigFile,
  env: NodeJS.ProcessEnv = process.env,
): Resolved<string | undefined> {
  if (flag !== undefined && flag !== '') return {value: flag, source: 'flag'};
  const spec = SETTINGS[name];
  const fromEnv = env[spec.env];
  if (fromEnv !== undefined && fromEnv !== '') return {value: fromEnv, source: 'env'};
  const fromCfg = cfg.settings[name];
  if (fromCfg !== undefined && fromCfg !== '') return {value: fromCfg, source: 'config'};
  return {value: spec.default, source: 'default'};
}

/** All profiles: built-ins merged with the config file's overrides, plus user-added ones. */
export function listProfiles(cfg: ConfigFile): NetworkProfile[] {
  const names = new Set([...Object.keys(BUILTIN_PROFILES), ...Object.keys(cfg.networks)]);
  return [...names].map((n) => getProfile(cfg, n));
}

/** One profile by name (built-in merged with overrides), or a usage error naming the known ones. */
export function getProfile(cfg: ConfigFile, name: string): NetworkProfile {
  const builtin = BUILTIN_PROFILES[name];
  const override = cfg.networks[name];
  if (!builtin && !override) {
    const known = [...new Set([...Object.keys(BUILTIN_PROFILES), ...Object.keys(cfg.networks)])].join(', ');
    throw new UsageError(`unknown network "${name}" (known: ${known})`, {
      code: 'NETWORK_UNKNOWN',
      suggestion: 'run "secretai network list", or add one with "secretai network add"',
    });
  }
  const merged: NetworkProfile = {
    ...(builtin ?? ({} as NetworkProfile)),
    ...(override ?? {}),
    name,
    contracts: {...(builtin?.contracts ?? {}), ...(override?.contracts ?? {})},
    attestation: {...(builtin?.attestation ?? {allowDev: false, strict: false}), ...(override?.attestation ?? {})},
    builtin: Boolean(builtin),
  } as NetworkProfile;
  validateProfile(merged);
  return merged;
}
