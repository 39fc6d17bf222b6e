/**
 * The WorkerManager's epoch as the gateway sees it, and liveness. The current epoch (stamped on every usage record)
 * comes from `get_registration_challenge` and is cached until its `valid_until`, then asked again — polling no
 * more often than every {@link MIN_POLL_MS} (the chain's block time may run ahead of this machine's clock on a
 * devnet) and at least every {@link MAX_POLL_MS}. On each epoch first seen, `onEpoch` runs: the gateway reports
 * liveness there (`report_liveness`, a signature by the worker key over the epoch's challenge).
 */
import {fromHex, toBase64} from '../../../../contracts/common/encoding.js';
import {Secp256k1Key} from '../../keys/secp256k1.js';

/** Fewest milliseconds between two challenge queries. */
export const MIN_POLL_MS = 10_000;
/** Most milliseconds between two challenge queries. */
export const MAX_POLL_MS = 60_000;

/** A registration challenge as the WorkerManager answers it. */
export interface EpochChallenge {
  challenge: string;
  epoch: number;
  /** Unix seconds. */
  valid_until: number;
}

export interface EpochTrackerOptions {
  fetch(): Promise<EpochChallenge>;
  /** Runs once for every new epoch seen (awaited; its failure is reported to `onError`, not retried). */
  onEpoch?(c: EpochChallenge): Promise<void>;
  onError?(err: unknown): void;
  /** Clock, milliseconds (default `Date.now`). */
  now?: () => number;
  minPollMs?: number;
  maxPollMs?: number;
}

/** Keeps the current epoch fresh while the gateway serves. */
export class EpochTracker {
  private current?: EpochChallenge;
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(private readonly o: EpochTrackerOptions) {}

  /** Fetches the first challenge (throws when the chain cannot be asked), runs `onEpoch`, then polls. */
  async start(): Promise<EpochChallenge> {
    await this.refresh(true);
    return this.current!;
  }

  /** The cached epoch. */
  get epoch(): number {
    if (!this.current) throw new Error('the epoch tracker has not started');
    return this.current.epoch;
  }

  get challenge(): EpochChallenge | undefined {
    return this.current;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private async refresh(first = false): Promise<void> {
    let c: EpochChallenge;
    try {
      c = await this.o.fetch();
    } catch (e) {
      if (first) throw e;
      this.o.onError?.(e);
      return this.schedule();
    }
    const isNew = this.current === undefined || c.epoch !== this.current.epoch;
    this.current = c;
    if (isNew && this.o.onEpoch) {
      try {
        await this.o.onEpoch(c);
      } catch (e) {
        this.o.onError?.(e);
      }
    }
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped) return;
    const now = (this.o.now ?? Date.now)();
    const until = this.current ? this.current.valid_until * 1000 - now : 0;
    const wait = Math.min(Math.max(until, this.o.minPollMs ?? MIN_POLL_MS), this.o.maxPollMs ?? MAX_POLL_MS);
    this.timer = setTimeout(() => void this.refresh(), wait);
    this.timer.unref();
  }
}

/**
 * The `report_liveness` signature: secp256k1 ECDSA by the worker key over SHA-256 of the challenge's 32 bytes,
 * 64-byte compact r‖s with low S (deterministic, RFC 6979), base64 — what the WorkerManager verifies against the
 * registered worker key.
 */
export async function livenessSignature(challengeHex: string, workerKey: Uint8Array | Secp256k1Key): Promise<string> {
  const key = workerKey instanceof Secp256k1Key ? workerKey : new Secp256k1Key(workerKey);
  return toBase64(key.signSha256(fromHex(challengeHex)));
}
