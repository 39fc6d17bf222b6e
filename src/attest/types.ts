/**
 * Verdict model shared by every verifier in src/attest (TDX, SEV-SNP, NVIDIA, binding).
 * A verification is an ordered list of named checks; the verdict follows from them.
 */

/** `valid`: every required check passed. `invalid`: a check failed. `unverifiable`: something needed was missing. */
export type Verdict = 'valid' | 'invalid' | 'unverifiable';

/** One named check, in the order it ran. */
export interface Check {
  /** Stable dotted name, e.g. `tdx.quote.signature`, `snp.policy.debug`, `nvidia.nonce`. */
  name: string;
  ok: boolean;
  /** Human-readable reason or value ("UpToDate", "expired 2025-07-19T10:16:03Z", …). */
  detail: string;
  /** A check that could not run because input was missing (drives `unverifiable`). */
  missing?: boolean;
  /** A passed check that still deserves attention (e.g. SWHardeningNeeded accepted by policy). */
  warning?: boolean;
  /** A check that was skipped on purpose (e.g. an online step in offline mode); never counts as passed. */
  skipped?: boolean;
  /**
   * A check that could not run (it was `missing`) and that the attestation policy explicitly accepts as a gap;
   * `ok` and `warning` are then true, and the result lists it in `accepted`.
   */
  accepted?: boolean;
}

/**
 * Records checks in order. Failing or missing checks do not throw, so one run can report all it knows;
 * verifiers stop early only where later checks would be meaningless.
 */
export class CheckList {
  readonly checks: Check[] = [];

  pass(name: string, detail = 'ok'): void {
    this.checks.push({name, ok: true, detail});
  }

  warn(name: string, detail: string): void {
    this.checks.push({name, ok: true, detail, warning: true});
  }

  fail(name: string, detail: string): void {
    this.checks.push({name, ok: false, detail});
  }

  missing(name: string, detail: string): void {
    this.checks.push({name, ok: false, detail, missing: true});
  }

  skip(name: string, detail: string): void {
    this.checks.push({name, ok: true, detail, skipped: true});
  }

  /** Records `ok ? pass : fail` and returns `ok`. */
  check(name: string, ok: boolean, okDetail: string, failDetail: string): boolean {
    if (ok) this.pass(name, okDetail);
    else this.fail(name, failDetail);
    return ok;
  }

  get failed(): boolean {
    return this.checks.some((c) => !c.ok && !c.missing);
  }

  get incomplete(): boolean {
    return this.checks.some((c) => c.missing);
  }

  /** invalid beats unverifiable beats valid: a proven failure is reported even when something else was missing. */
  verdict(): Verdict {
    if (this.failed) return 'invalid';
    if (this.incomplete) return 'unverifiable';
    return 'valid';
  }

  /** One line per failing or missing check: `name: detail`. */
  reasons(): string[] {
    return this.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`);
  }
}

/** Thrown by parsers for malformed input (wrong length, garbage, unknown version). Callers map it to exit 2 or 4. */
export class EvidenceFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EvidenceFormatError';
  }
}

/** Bounds-checked little-endian reads over evidence bytes. */
export class Reader {
  constructor(
    readonly buf: Uint8Array,
    readonly what: string,
  ) {}

  private need(off: number, len: number): void {
    if (off < 0 || len < 0 || off + len > this.buf.length) {
      throw new EvidenceFormatError(`${this.what}: read of ${len} bytes at ${off} is past the end (${this.buf.length} bytes)`);
    }
  }

  u8(off: number): number {
    this.need(off, 1);
    return this.buf[off];
  }

  u16(off: number): number {
    this.need(off, 2);
    return this.buf[off] | (this.buf[off + 1] << 8);
  }

  u24(off: number): number {
    this.need(off, 3);
    return this.buf[off] | (this.buf[off + 1] << 8) | (this.buf[off + 2] << 16);
  }

  u32(off: number): number {
    this.need(off, 4);
    return (this.buf[off] | (this.buf[off + 1] << 8) | (this.buf[off + 2] << 16)) + this.buf[off + 3] * 0x1000000;
  }

  u64(off: number): bigint {
    this.need(off, 8);
    return BigInt(this.u32(off)) | (BigInt(this.u32(off + 4)) << 32n);
  }

  bytes(off: number, len: number): Uint8Array {
    this.need(off, len);
    return this.buf.subarray(off, off + len);
  }
}

/** Lower-case hex of bytes (the shared codec). */
export {toHex as hex} from '../../contracts/common/encoding.js';
