/** Key management services behind the `keys` commands. */
import type {Context} from '../cli/base-command.js';
import {keyringPassphrase, promptSecret, readStdin} from '../cli/input.js';
import {resolveSetting} from '../config/index.js';
import {UsageError} from '../errors.js';
import {generateMnemonic, Keyring, KEYRING_BACKENDS, normalizeMnemonic, type KeyInfo, type KeyringBackend} from './index.js';

export interface AddKeyResult {
  name: string;
  address: string;
  pubkey: string;
  backend: KeyringBackend;
  /** Present only when the key was generated: shown once, never stored in clear (file backend). */
  mnemonic?: string;
}

/** The keyring backend for new keys: flag > SECRETAI_KEYRING_BACKEND > config > `file`. */
export function resolveBackend(ctx: Context, flag: string | undefined): KeyringBackend {
  const r = resolveSetting('keyring-backend', flag, ctx.config, ctx.env);
  const v = r.value as string;
  if (!KEYRING_BACKENDS.includes(v as KeyringBackend)) {
    throw new UsageError(`unknown keyring backend "${v}" (from ${r.source})`, {code: 'KEYRING_BACKEND_INVALID', suggestion: 'use file or test'});
  }
  return v as KeyringBackend;
}

export async function addKey(ctx: Context, opts: {name: string; recover: boolean; backend?: string; force: boolean; overwrite?: boolean}): Promise<AddKeyResult> {
  const keyring = new Keyring(ctx.home.value);
  const backend = resolveBackend(ctx, opts.backend);
  const profile = ctx.profile;
  if (backend === 'test' && !profile.allowTestKeyring && !opts.force) {
    throw new UsageError(`the plaintext test keyring is refused on network ${profile.name}`, {
      code: 'TEST_KEYRING_REFUSED',
      suggestion: 'use --keyring-backend file (encrypted), or pass --force if you really mean it',
    });
  }
  if (keyring.exists(opts.name) && !opts.overwrite) {
    throw new UsageError(`a key named "${opts.name}" already exists`, {code: 'KEY_EXISTS', suggestion: `choose another name, or "secretai keys delete ${opts.name}" first`});
  }
  let mnemonic: string;
  if (opts.recover) {
    let text: string;
    if (process.stdin.isTTY) {
      if (!ctx.interactive) {
        throw new UsageError('--recover reads the mnemonic from stdin, and stdin is a terminal with prompts disabled', {
          code: 'MNEMONIC_REQUIRED',
          suggestion: 'pipe it in: secretai keys add NAME --recover < mnemonic.txt',
        });
      }
      text = await promptSecret('Enter the mnemonic to recover');
    } else text = await readStdin();
    ctx.out.registerSecret(text.trim());
    mnemonic = await normalizeMnemonic(text);
  } else mnemonic = await generateMnemonic();

  const passphrase = backend === 'file' ? await keyringPassphrase(ctx, {creating: true, keyName: opts.name}) : undefined;
  const info = await keyring.add(opts.name, mnemonic, {backend, passphrase, overwrite: opts.overwrite});
  return {name: info.name, address: info.address, pubkey: info.pubkey, backend: info.backend, ...(opts.recover ? {} : {mnemonic})};
}

export function listKeys(ctx: Context): KeyInfo[] {
  return new Keyring(ctx.home.value).list();
}

export function showKey(ctx: Context, name: string): KeyInfo {
  return new Keyring(ctx.home.value).show(name);
}

export function deleteKey(ctx: Context, name: string): KeyInfo {
  return new Keyring(ctx.home.value).delete(name);
}

/** The mnemonic of a key, asking for the passphrase when it is encrypted (used by signing services). */
export async function unlockMnemonic(ctx: Context, name: string): Promise<string> {
  const keyring = new Keyring(ctx.home.value);
  if (!keyring.needsPassphrase(name) && !ctx.profile.allowTestKeyring) {
    throw new UsageError(`key "${name}" is in the plaintext test keyring, which may not sign on network ${ctx.profile.name}`, {
      code: 'TEST_KEYRING_REFUSED',
      suggestion: 'recover the mnemonic into the encrypted file keyring: secretai keys add NAME --recover --keyring-backend file',
    });
  }
  const passphrase = keyring.needsPassphrase(name) ? await keyringPassphrase(ctx, {creating: false, keyName: name}) : undefined;
  return keyring.unlock(name, passphrase);
}
