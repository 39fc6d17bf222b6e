/**
 * Secrets and answers from a person or a script: stdin, environment, or a prompt on the terminal.
 * Never from argv. Prompts write to stderr and only run when a person is there (see Output.interactive).
 */
import {CancelledError, UsageError} from '../errors.js';
import type {Context} from './base-command.js';

/** Reads all of stdin as text (for piped mnemonics, prompts, API keys). */
export async function readStdin(stream: NodeJS.ReadableStream & {isTTY?: boolean} = process.stdin): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** A hidden-input prompt on stderr. */
export async function promptSecret(message: string, opts: {confirm?: boolean; validate?: (v: string) => true | string} = {}): Promise<string> {
  const {password} = await import('@inquirer/prompts');
  const ctx = {output: process.stderr, clearPromptOnDone: false};
  const value = await password({message, mask: '*', validate: opts.validate}, ctx);
  if (opts.confirm) {
    const again = await password({message: 'Repeat to confirm', mask: '*'}, ctx);
    if (again !== value) throw new UsageError('the two entries differ', {code: 'CONFIRMATION_MISMATCH'});
  }
  return value;
}

/**
 * The keyring passphrase: `SECRETAI_KEYRING_PASSPHRASE`, else a prompt (with confirmation when creating),
 * else a usage error naming the variable.
 */
export async function keyringPassphrase(ctx: Context, opts: {creating: boolean; keyName: string}): Promise<string> {
  const fromEnv = ctx.env.SECRETAI_KEYRING_PASSPHRASE;
  if (fromEnv) {
    ctx.out.registerSecret(fromEnv);
    return fromEnv;
  }
  if (!ctx.interactive) {
    throw new UsageError(`a passphrase is needed for key "${opts.keyName}" and there is no terminal to ask`, {
      code: 'PASSPHRASE_REQUIRED',
      suggestion: 'set SECRETAI_KEYRING_PASSPHRASE, or use --keyring-backend test on a devnet',
    });
  }
  const p = await promptSecret(opts.creating ? `Passphrase to encrypt key "${opts.keyName}"` : `Passphrase for key "${opts.keyName}"`, {
    confirm: opts.creating,
    validate: opts.creating ? (v) => (v.length >= 8 ? true : 'at least 8 characters') : undefined,
  });
  ctx.out.registerSecret(p);
  return p;
}

/** Asks yes/no; `--yes` answers yes; without a person it is a usage error naming --yes. */
export async function confirm(ctx: Context, message: string, flagHint = '--yes'): Promise<void> {
  if (ctx.assumeYes) return;
  if (!ctx.interactive) {
    throw new UsageError(`confirmation needed: ${message}`, {code: 'CONFIRMATION_REQUIRED', suggestion: `pass ${flagHint} to proceed without a prompt`});
  }
  const {confirm: ask} = await import('@inquirer/prompts');
  const ok = await ask({message, default: false}, {output: process.stderr, clearPromptOnDone: false});
  if (!ok) throw new CancelledError('declined');
}
