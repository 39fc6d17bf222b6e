/**
 * The base of every secretai command: global flags, the context (home, config, network, key),
 * result rendering (`--json` = exactly one JSON document on stdout) and the error model (design.md §6).
 */
import {Command, Flags} from './oclif.js';
import type * as Interfaces from '@oclif/core/interfaces';
import {ConfigStore, getProfile, resolveHome, resolveSetting, type ConfigFile, type NetworkProfile, type Resolved} from '../config/index.js';
import {ExitCode, normalizeError, SecretaiError, UsageError} from '../errors.js';
import {Output} from './output.js';

export type CommandFlags<T extends typeof Command> = Interfaces.InferredFlags<(typeof BaseCommand)['baseFlags'] & T['flags']>;
export type CommandArgs<T extends typeof Command> = Interfaces.InferredArgs<T['args']>;

const GLOBAL = 'GLOBAL';

/** Everything a service needs to know about this invocation. */
export class Context {
  private cfgCache?: ConfigFile;

  constructor(
    readonly home: Resolved<string>,
    readonly out: Output,
    private readonly flagValues: {network?: string; from?: string; yes: boolean},
    readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  get store(): ConfigStore {
    return new ConfigStore(this.home.value);
  }

  /** The config file, read once per command. */
  get config(): ConfigFile {
    this.cfgCache ??= this.store.read();
    return this.cfgCache;
  }

  /** Forget the cached config after a write. */
  reload(): void {
    this.cfgCache = undefined;
  }

  get networkName(): Resolved<string> {
    return resolveSetting('network', this.flagValues.network, this.config, this.env) as Resolved<string>;
  }

  /** The active network profile (validated). */
  get profile(): NetworkProfile {
    return getProfile(this.config, this.networkName.value);
  }

  /** The key named by --from / SECRETAI_KEY / config, if any. */
  get from(): Resolved<string | undefined> {
    return resolveSetting('from', this.flagValues.from, this.config, this.env);
  }

  /** The signing key name, or a usage error saying how to give one. */
  requireFrom(): string {
    const f = this.from.value;
    if (!f) {
      throw new UsageError('no key selected', {
        code: 'KEY_REQUIRED',
        suggestion: 'pass --from KEY, set SECRETAI_KEY, or run "secretai config set from KEY"',
      });
    }
    return f;
  }

  /** True when a person can answer prompts. */
  get interactive(): boolean {
    return this.out.interactive;
  }

  /** --yes / --no-prompt was given. */
  get assumeYes(): boolean {
    return this.flagValues.yes;
  }
}

export abstract class BaseCommand<T extends typeof Command, R = unknown> extends Command {
  static baseFlags = {
    json: Flags.boolean({description: 'Print exactly one JSON document on stdout (progress and warnings go to stderr).', helpGroup: GLOBAL}),
    network: Flags.string({description: 'Network profile to use [env: SECRETAI_NETWORK] (default: local).', helpGroup: GLOBAL, helpValue: 'NAME'}),
    from: Flags.string({description: 'Key that signs [env: SECRETAI_KEY].', helpGroup: GLOBAL, helpValue: 'KEY'}),
    home: Flags.string({description: 'Home directory for keys, config and devnet [env: SECRETAI_HOME] (default: ~/.config/secretai).', helpGroup: GLOBAL, helpValue: 'DIR'}),
    yes: Flags.boolean({char: 'y', aliases: ['no-prompt'], description: 'Never prompt (alias --no-prompt): assume yes to confirmations, fail on missing input.', helpGroup: GLOBAL}),
    verbose: Flags.boolean({description: 'Print detail and debugging information to stderr.', helpGroup: GLOBAL}),
  };

  protected flags!: CommandFlags<T>;
  protected args!: CommandArgs<T>;
  protected ctx!: Context;
  protected out!: Output;

  /** Does the work and returns the typed result (what --json prints). */
  abstract exec(): Promise<R>;

  /** Prints the result for people. Default: the JSON, indented. */
  protected render(result: R): void {
    if (result !== undefined) this.out.printJson(result);
  }

  /** Exit code for a successful run's result (e.g. 4 for an `invalid` verdict). */
  protected exitCodeFor(_result: R): number {
    return ExitCode.OK;
  }

  protected async init(): Promise<void> {
    const json = this.argv.includes('--json');
    const verbose = this.argv.includes('--verbose') || /(^|,)secretai/.test(process.env.DEBUG ?? '');
    // Until flags are parsed, errors still need an output that honours --json.
    this.out = new Output({json, verbose, interactive: false});
    await super.init();
    const {args, flags} = await this.parse(this.ctor);
    this.flags = flags as CommandFlags<T>;
    this.args = args as CommandArgs<T>;
    const f = this.flags as {json: boolean; verbose: boolean; yes: boolean; network?: string; from?: string; home?: string};
    const interactive = Boolean(process.stderr.isTTY && process.stdin.isTTY) && !f.json && !f.yes && !process.env.CI;
    this.out = new Output({json: f.json, verbose: f.verbose || verbose, interactive});
    this.ctx = new Context(resolveHome(f.home), this.out, {network: f.network, from: f.from, yes: f.yes});
  }

  async run(): Promise<R> {
    const result = await this.exec();
    if (this.out.json) this.out.printJson(result);
    else this.render(result);
    const code = this.exitCodeFor(result);
    if (code !== ExitCode.OK) this.exit(code);
    return result;
  }

  /** Renders any error as one line (or one JSON document) and exits with its code. */
  protected async catch(err: Error & {oclif?: {exit?: number}; code?: string}): Promise<never> {
    // oclif's own exit (from this.exit) passes through.
    if (err?.oclif?.exit !== undefined && err.code === 'EEXIT') throw err;
    const e = normalizeError(err);
    const out = this.out ?? new Output({json: this.argv.includes('--json'), verbose: false, interactive: false});
    if (out.json) out.printJson(e.toJSON());
    const suggestion = e.suggestion ? ` (${e.suggestion})` : '';
    out.stderr.write(out.redact(`${out.errColor.red('Error:')} ${e.message}${suggestion}`) + '\n');
    if (out.verbose) printDetail(out, e);
    return this.exit(e.exitCode);
  }
}

function printDetail(out: Output, e: SecretaiError): void {
  out.stderr.write(out.redact(`  code: ${e.code}, exit: ${e.exitCode}`) + '\n');
  if (e.details) out.stderr.write(out.redact(`  details: ${JSON.stringify(e.details)}`) + '\n');
  let cause: unknown = e.cause;
  let depth = 0;
  while (cause && depth < 5) {
    const c = cause as {message?: string; stack?: string; cause?: unknown};
    // A stack trace is for developers only (DEBUG=secretai*); --verbose shows the chain of causes.
    const showStack = /(^|,)secretai/.test(process.env.DEBUG ?? '');
    out.stderr.write(out.redact(`  caused by: ${(showStack ? c.stack : undefined) ?? c.message ?? String(cause)}`) + '\n');
    cause = c.cause;
    depth++;
  }
}
