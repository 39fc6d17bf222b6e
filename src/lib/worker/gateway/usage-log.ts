/**
 * The gateway's durable usage log, read by `worker report` (which submits the records with `report_work`).
 *
 * Files, in `<home>/worker/usage/<worker account>/` (directory mode 0700, files 0600):
 * - `pending.jsonl` — one line per usage record the gateway signed, in the order issued:
 *   `{"record": UsageRecord, "worker_signature": "<base64 64-byte r‖s>", "issued_at": <unix seconds>,
 *   "outcome": "completed" | "disconnected"}`. `record` and `worker_signature` together are the
 *   `SignedUsageRecord` that `report_work` takes (contracts/common/usage.ts). A line is written and the file
 *   fsynced BEFORE the record is sent to the client, so a record a client holds is always in the log, even if the
 *   gateway is killed right after. `disconnected` records bill only the output tokens delivered to the client.
 * - `countersigned.jsonl` — records a client handed back countersigned (`POST /v1/secretai/usage`):
 *   `{"record", "worker_signature", "subscriber_signature": "<base64>", "subscriber_pubkey": "<base64 33 bytes>",
 *   "received_at": <unix seconds>}`; at most one line per `request_id`. For a request id present here,
 *   `worker report` submits this line instead of the pending one (it counts in full).
 *
 * Every line is one JSON document followed by `\n`; a reader ignores a last line without its `\n` (a crash in the
 * middle of a write). Appends from concurrent requests are grouped: one write and one fsync per group. The write
 * (to the page cache, tens of microseconds) is made in place, so only the fsync goes through the thread pool before
 * a record may be sent: one round trip instead of two.
 * `worker report` removes lines only after their transaction committed (its own business; this module only
 * appends).
 */
import {mkdirSync, readFileSync, writeSync} from 'node:fs';
import {open, type FileHandle} from 'node:fs/promises';
import path from 'node:path';
import type {SignedUsageRecord, UsageRecord} from '../../../../contracts/common/usage.js';

export const PENDING_FILE = 'pending.jsonl';
export const COUNTERSIGNED_FILE = 'countersigned.jsonl';

/** A line of `pending.jsonl`. */
export interface PendingUsageLine {
  record: UsageRecord;
  worker_signature: string;
  issued_at: number;
  outcome: 'completed' | 'disconnected';
}

/** A line of `countersigned.jsonl`. */
export interface CountersignedUsageLine extends SignedUsageRecord {
  subscriber_signature: string;
  subscriber_pubkey: string;
  received_at: number;
}

/** The usage log directory of the worker whose account is `account`. */
export function usageLogDir(home: string, account: string): string {
  return path.join(home, 'worker', 'usage', account);
}

/** The complete lines of a log file, parsed (a torn last line is ignored; a missing file is empty). */
export function readUsageLines<T>(file: string): T[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const end = text.lastIndexOf('\n');
  if (end < 0) return [];
  return text
    .slice(0, end)
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);
}

/** An append-only file whose appends resolve once written and fsynced; concurrent appends share one fsync. */
class DurableAppender {
  private queue: string[] = [];
  private waiters: Array<{resolve: () => void; reject: (e: unknown) => void}> = [];
  private flushing?: Promise<void>;

  constructor(private readonly fh: FileHandle) {}

  append(line: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push(line);
      this.waiters.push({resolve, reject});
      this.flushing ??= this.flush();
    });
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      const data = Buffer.from(this.queue.splice(0).join(''));
      const waiters = this.waiters.splice(0);
      try {
        for (let off = 0; off < data.length; ) {
          const n = writeSync(this.fh.fd, data, off);
          if (n <= 0) throw new Error('the usage log took no bytes');
          off += n;
        }
        await this.fh.sync();
        for (const w of waiters) w.resolve();
      } catch (e) {
        for (const w of waiters) w.reject(e);
      }
    }
    this.flushing = undefined;
  }

  async close(): Promise<void> {
    await this.flushing;
    await this.fh.close();
  }
}

/** The open usage log of one worker. */
export class UsageLog {
  private constructor(
    readonly dir: string,
    private readonly pending: DurableAppender,
    private readonly countersigned: DurableAppender,
    /** Request ids already countersigned (from the file, then from this run). */
    private readonly countersignedIds: Set<string>,
  ) {}

  static async open(dir: string): Promise<UsageLog> {
    mkdirSync(dir, {recursive: true, mode: 0o700});
    const csPath = path.join(dir, COUNTERSIGNED_FILE);
    const ids = new Set(readUsageLines<CountersignedUsageLine>(csPath).map((l) => l.record.request_id));
    const p = await open(path.join(dir, PENDING_FILE), 'a', 0o600);
    const c = await open(csPath, 'a', 0o600);
    return new UsageLog(dir, new DurableAppender(p), new DurableAppender(c), ids);
  }

  get pendingPath(): string {
    return path.join(this.dir, PENDING_FILE);
  }

  get countersignedPath(): string {
    return path.join(this.dir, COUNTERSIGNED_FILE);
  }

  /** Appends a signed record; resolves once it is on disk. */
  appendPending(line: PendingUsageLine): Promise<void> {
    return this.pending.append(`${JSON.stringify(line)}\n`);
  }

  /** Whether a countersigned record for `requestId` is already stored. */
  hasCountersigned(requestId: string): boolean {
    return this.countersignedIds.has(requestId);
  }

  /** Stores a countersigned record (once per request id: false when one was already stored). */
  async appendCountersigned(line: CountersignedUsageLine): Promise<boolean> {
    const id = line.record.request_id;
    if (this.countersignedIds.has(id)) return false;
    this.countersignedIds.add(id);
    try {
      await this.countersigned.append(`${JSON.stringify(line)}\n`);
    } catch (e) {
      this.countersignedIds.delete(id);
      throw e;
    }
    return true;
  }

  async close(): Promise<void> {
    await Promise.all([this.pending.close(), this.countersigned.close()]);
  }
}
