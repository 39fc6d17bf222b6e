/**
 * Where things are printed. Results go to stdout; progress, spinners, warnings and errors go to stderr.
 * Colour only on a TTY and never with NO_COLOR; spinners only when interactive.
 */
import type {Ora} from 'ora';

// Every command loads this module. `process.getBuiltinModule` gives Node's util as it is; an ES import of
// 'node:util' would first build its full export list, which loads about ten more of Node's internal modules.
const {styleText} = process.getBuiltinModule('node:util');

export interface OutputOptions {
  json: boolean;
  /** A person is at the terminal: stderr is a TTY, no --json, no --yes/--no-prompt, no CI. */
  interactive: boolean;
  verbose: boolean;
  stdout?: NodeJS.WritableStream & {isTTY?: boolean};
  stderr?: NodeJS.WritableStream & {isTTY?: boolean};
  env?: NodeJS.ProcessEnv;
}

const STYLES = ['red', 'green', 'yellow', 'cyan', 'gray', 'bold', 'dim'] as const;
type Style = (typeof STYLES)[number];

/** The styles output uses, bound to one stream's colour decision. */
export type Paint = Record<Style, (s: string) => string>;

/**
 * Basic 16-colour styling, or none. Node's own `util.styleText` (the colour decision is made here, so it is told
 * not to check a stream): every command builds an Output, and a colour library would load on every start.
 */
export function makePaint(enabled: boolean): Paint {
  const p = {} as Paint;
  for (const k of STYLES) p[k] = enabled ? (s: string) => (s ? styleText(k, s, {validateStream: false}) : s) : (s: string) => s;
  return p;
}

/** Colour is on when the stream is a TTY, NO_COLOR is unset (or empty) and TERM is not "dumb"; FORCE_COLOR forces it. */
export function colorEnabled(stream: {isTTY?: boolean}, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false') return true;
  if (env.TERM === 'dumb') return false;
  return Boolean(stream.isTTY);
}

export interface Spinner {
  update(text: string): void;
  succeed(text?: string): void;
  fail(text?: string): void;
  stop(): void;
}

export class Output {
  readonly json: boolean;
  readonly interactive: boolean;
  readonly verbose: boolean;
  readonly stdout: NodeJS.WritableStream & {isTTY?: boolean};
  readonly stderr: NodeJS.WritableStream & {isTTY?: boolean};
  /** Styling for stdout text. */
  readonly color: Paint;
  /** Styling for stderr text. */
  readonly errColor: Paint;
  private readonly secrets = new Set<string>();

  constructor(opts: OutputOptions) {
    this.json = opts.json;
    this.interactive = opts.interactive;
    this.verbose = opts.verbose;
    this.stdout = opts.stdout ?? process.stdout;
    this.stderr = opts.stderr ?? process.stderr;
    const env = opts.env ?? process.env;
    this.color = makePaint(!opts.json && colorEnabled(this.stdout, env));
    this.errColor = makePaint(colorEnabled(this.stderr, env));
  }

  /** Registers a secret (passphrase, API key) that must never appear in output; it is replaced by `[redacted]`. */
  registerSecret(value: string | undefined): void {
    if (value && value.length >= 4) this.secrets.add(value);
  }

  redact(text: string): string {
    let t = text;
    for (const s of this.secrets) t = t.split(s).join('[redacted]');
    return t;
  }

  /** A line of result text on stdout (human mode only; JSON mode prints through `printJson`). */
  line(text = ''): void {
    this.stdout.write(this.redact(text) + '\n');
  }

  /** The one JSON document of a `--json` run. */
  printJson(value: unknown): void {
    this.stdout.write(this.redact(JSON.stringify(value, jsonReplacer, 2)) + '\n');
  }

  /** Informational text on stderr; silent in JSON mode unless verbose. */
  info(text: string): void {
    if (this.json && !this.verbose) return;
    this.stderr.write(this.redact(text) + '\n');
  }

  warn(text: string): void {
    this.stderr.write(this.redact(`${this.errColor.yellow('Warning:')} ${text}`) + '\n');
  }

  debug(text: string): void {
    if (this.verbose) this.stderr.write(this.redact(this.errColor.gray(`[debug] ${text}`)) + '\n');
  }

  /**
   * Progress for long work: an ora spinner on an interactive TTY. Without one (pipes, CI, --json) progress is
   * printed only with --verbose, so stderr holds just warnings and the error line.
   */
  async spinner(text: string): Promise<Spinner> {
    if (this.interactive && this.stderr.isTTY) {
      const {default: ora} = await import('ora');
      const s: Ora = ora({text, stream: this.stderr, isEnabled: true}).start();
      return {
        update: (t) => {
          s.text = t;
        },
        succeed: (t) => void s.succeed(t),
        fail: (t) => void s.fail(t),
        stop: () => void s.stop(),
      };
    }
    this.debug(`${text}…`);
    return {
      update: (t) => this.debug(t),
      succeed: (t) => {
        if (t) this.debug(t);
      },
      fail: (t) => {
        if (t) this.debug(t);
      },
      stop: () => {},
    };
  }
}

/** JSON.stringify replacer: bigint → decimal string, Uint8Array → base64. */
export function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  return value;
}

/** Renders rows as aligned columns (human output). */
export function table(rows: string[][], header?: string[]): string {
  const all = header ? [header, ...rows] : rows;
  if (all.length === 0) return '';
  const widths = all[0].map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  return all.map((r) => r.map((c, i) => (i === r.length - 1 ? c : (c ?? '').padEnd(widths[i]))).join('  ')).join('\n');
}
