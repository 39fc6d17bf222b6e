/**
 * Durable devnet state in one SQLite file (`node:sqlite`, WAL, `synchronous=FULL`).
 *
 * Every state change of a transaction happens inside one SQLite transaction ({@link Store.transaction}) that is
 * committed before its result is reported, so a tx reported as committed survives a crash (SIGKILL, power loss after
 * fsync). Message execution runs under a SAVEPOINT ({@link Store.savepoint}) so that a failed message rolls back
 * while the fee and sequence of the same tx stay.
 */
import type {DatabaseSync, StatementSync} from 'node:sqlite';
import type {ByteStorage} from './vm/index.js';
import {loadSqlite} from './sqlite.js';
import {META, SCHEMA} from './store-schema.js';

export {META} from './store-schema.js';

/** An account row. */
export interface AccountRecord {
  address: string;
  /** Account number, sequential from 0 in order of creation. */
  number: number;
  /** Number of txs signed so far (the next expected sequence). */
  sequence: number;
  /** 33-byte compressed secp256k1 key, known after the account's first tx. */
  pubkey: Uint8Array | null;
}

/** A registered code: a TypeScript implementation by name, or wasm stored with `MsgStoreCode`. */
export interface CodeRecord {
  codeId: number;
  /** Name of the implementation in the contract registry (`snip20`, …); `""` for stored wasm ({@link isWasmCode}). */
  name: string;
  /** 64 lower-case hex characters, stable across restarts (SHA-256 of the wasm for stored wasm). */
  codeHash: string;
  creator: string;
  /** Upload metadata of stored wasm (`""` otherwise). */
  source: string;
  builder: string;
}

/** The metadata of wasm stored with `MsgStoreCode`. */
export type WasmCodeRecord = Omit<CodeRecord, 'name'>;

/** True when a code or contract record runs stored wasm rather than a TypeScript implementation. */
export function isWasmCode(record: {name: string}): boolean {
  return record.name === '';
}

/** A contract instance. */
export interface ContractRecord {
  address: string;
  codeId: number;
  codeHash: string;
  label: string;
  /** Admin address, `""` when none. */
  admin: string;
  creator: string;
  /** Implementation name (same as its code's); `""` when the code is stored wasm. */
  name: string;
  /** Height of the block that instantiated it. */
  createdHeight: number;
}

/** Counts storage operations and bytes, for gas metering. */
export interface StorageObserver {
  onRead(bytes: number): void;
  onWrite(bytes: number): void;
  onRemove(): void;
}


function asBytes(value: unknown): Uint8Array | null {
  if (value === null || value === undefined) return null;
  return new Uint8Array(value as Uint8Array);
}

/** The devnet database. Not thread-safe; one process owns the file. */
export class Store {
  readonly db: DatabaseSync;
  private readonly stmts: Record<string, StatementSync> = {};
  private savepointDepth = 0;

  private constructor(db: DatabaseSync) {
    this.db = db;
  }

  /** Opens (creating when absent) the database at `path`: WAL, `synchronous=FULL`, schema applied. */
  static open(path: string): Store {
    const {DatabaseSync} = loadSqlite();
    const db = new DatabaseSync(path);
    db.exec('PRAGMA journal_mode=WAL');
    db.exec('PRAGMA synchronous=FULL');
    db.exec('PRAGMA busy_timeout=5000');
    db.exec(SCHEMA);
    return new Store(db);
  }

  /** Closes the database (checkpoints the WAL). */
  close(): void {
    if (this.db.isOpen) this.db.close();
  }

  private stmt(sql: string): StatementSync {
    let s = this.stmts[sql];
    if (!s) {
      s = this.db.prepare(sql);
      this.stmts[sql] = s;
    }
    return s;
  }

  // --- transactions --------------------------------------------------------------------------------------------

  /** True while a transaction is open. */
  get inTransaction(): boolean {
    return this.db.isTransaction;
  }

  /** Opens a write transaction (group commit: the chain commits several txs together). */
  begin(): void {
    this.db.exec('BEGIN IMMEDIATE');
  }

  /** Commits (fsyncs) the open transaction. */
  commit(): void {
    this.db.exec('COMMIT');
  }

  /** Rolls back the open transaction, if any. */
  rollback(): void {
    if (this.db.isTransaction) this.db.exec('ROLLBACK');
  }

  /** Runs `fn` in one SQLite transaction, committed (fsynced) before returning; rolled back when `fn` throws. */
  transaction<T>(fn: () => T): T {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const result = fn();
      this.db.exec('COMMIT');
      return result;
    } catch (err) {
      if (this.db.isTransaction) this.db.exec('ROLLBACK');
      throw err;
    }
  }

  /**
   * Runs `fn` under a SAVEPOINT inside the current transaction: released when it returns, rolled back (and the
   * error re-thrown) when it throws.
   */
  savepoint<T>(fn: () => T): T {
    const name = `sp${this.savepointDepth++}`;
    this.stmt(`SAVEPOINT ${name}`).run();
    try {
      const result = fn();
      this.stmt(`RELEASE ${name}`).run();
      return result;
    } catch (err) {
      this.stmt(`ROLLBACK TO ${name}`).run();
      this.stmt(`RELEASE ${name}`).run();
      throw err;
    } finally {
      this.savepointDepth--;
    }
  }

  /** Runs `fn` under a SAVEPOINT that is always rolled back (simulation). */
  discard<T>(fn: () => T): T {
    const name = `sp${this.savepointDepth++}`;
    this.db.exec(`SAVEPOINT ${name}`);
    try {
      return fn();
    } finally {
      this.db.exec(`ROLLBACK TO ${name}`);
      this.db.exec(`RELEASE ${name}`);
      this.savepointDepth--;
    }
  }

  // --- meta ----------------------------------------------------------------------------------------------------

  getMeta(key: string): string | undefined {
    const row = this.stmt('SELECT value FROM meta WHERE key = ?').get(key) as {value: string} | undefined;
    return row?.value;
  }

  setMeta(key: string, value: string): void {
    this.stmt('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(
      key,
      value,
    );
  }

  /** Integer meta entry, `fallback` when absent. */
  getMetaNumber(key: string, fallback: number): number {
    const v = this.getMeta(key);
    return v === undefined ? fallback : Number(v);
  }

  // --- accounts ------------------------------------------------------------------------------------------------

  getAccount(address: string): AccountRecord | undefined {
    const row = this.stmt('SELECT address, number, sequence, pubkey FROM accounts WHERE address = ?').get(address) as
      | {address: string; number: number; sequence: number; pubkey: unknown}
      | undefined;
    if (!row) return undefined;
    return {address: row.address, number: row.number, sequence: row.sequence, pubkey: asBytes(row.pubkey)};
  }

  /** Creates the account when absent (next account number); returns it. */
  ensureAccount(address: string): AccountRecord {
    const existing = this.getAccount(address);
    if (existing) return existing;
    const number = this.getMetaNumber(META.nextAccountNumber, 0);
    this.stmt('INSERT INTO accounts (address, number, sequence, pubkey) VALUES (?, ?, 0, NULL)').run(address, number);
    this.setMeta(META.nextAccountNumber, String(number + 1));
    return {address, number, sequence: 0, pubkey: null};
  }

  setAccountSequence(address: string, sequence: number, pubkey: Uint8Array | null): void {
    this.stmt('UPDATE accounts SET sequence = ?, pubkey = ? WHERE address = ?').run(sequence, pubkey, address);
  }

  // --- balances ------------------------------------------------------------------------------------------------

  /** Balance in base units of `denom`, as a bigint (0 when absent). */
  getBalance(address: string, denom: string): bigint {
    const row = this.stmt('SELECT amount FROM balances WHERE address = ? AND denom = ?').get(address, denom) as
      | {amount: string}
      | undefined;
    return row ? BigInt(row.amount) : 0n;
  }

  setBalance(address: string, denom: string, amount: bigint): void {
    if (amount === 0n) {
      this.stmt('DELETE FROM balances WHERE address = ? AND denom = ?').run(address, denom);
    } else {
      this.stmt(
        'INSERT INTO balances (address, denom, amount) VALUES (?, ?, ?) ON CONFLICT(address, denom) DO UPDATE SET amount = excluded.amount',
      ).run(address, denom, amount.toString());
    }
  }

  /** All non-zero balances of an address, sorted by denom. */
  getBalances(address: string): Array<{denom: string; amount: string}> {
    return this.stmt('SELECT denom, amount FROM balances WHERE address = ? ORDER BY denom').all(address) as Array<{
      denom: string;
      amount: string;
    }>;
  }

  // --- codes and contracts -------------------------------------------------------------------------------------

  /** Registers a TypeScript implementation by name. */
  addCode(code: Pick<CodeRecord, 'codeId' | 'name' | 'codeHash' | 'creator'>): void {
    this.stmt('INSERT INTO codes (code_id, name, code_hash, creator) VALUES (?, ?, ?, ?)').run(
      code.codeId,
      code.name,
      code.codeHash,
      code.creator,
    );
  }

  /** Stores wasm (unzipped) under a new code id. */
  addWasmCode(code: WasmCodeRecord, wasm: Uint8Array): void {
    this.addCode({codeId: code.codeId, name: '', codeHash: code.codeHash, creator: code.creator});
    this.stmt('INSERT INTO code_wasm (code_id, wasm, source, builder) VALUES (?, ?, ?, ?)').run(code.codeId, wasm, code.source, code.builder);
  }

  /** The wasm of a stored code, or undefined (unknown id, or a TypeScript implementation). */
  getCodeWasm(codeId: number): Uint8Array | undefined {
    const row = this.stmt('SELECT wasm FROM code_wasm WHERE code_id = ?').get(codeId) as {wasm: unknown} | undefined;
    return row ? new Uint8Array(row.wasm as Uint8Array) : undefined;
  }

  /** The next free code id. */
  nextCodeId(): number {
    const row = this.stmt('SELECT COALESCE(MAX(code_id), 0) AS max FROM codes').get() as {max: number};
    return row.max + 1;
  }

  private static readonly CODE_COLUMNS =
    "SELECT c.code_id, c.name, c.code_hash, c.creator, COALESCE(w.source, '') AS source, COALESCE(w.builder, '') AS builder FROM codes c LEFT JOIN code_wasm w ON w.code_id = c.code_id";

  private static codeFromRow(row: Record<string, unknown>): CodeRecord {
    return {
      codeId: row.code_id as number,
      name: row.name as string,
      codeHash: row.code_hash as string,
      creator: row.creator as string,
      source: row.source as string,
      builder: row.builder as string,
    };
  }

  getCode(codeId: number): CodeRecord | undefined {
    const row = this.stmt(`${Store.CODE_COLUMNS} WHERE c.code_id = ?`).get(codeId);
    return row ? Store.codeFromRow(row) : undefined;
  }

  listCodes(): CodeRecord[] {
    return this.stmt(`${Store.CODE_COLUMNS} ORDER BY c.code_id`)
      .all()
      .map((r) => Store.codeFromRow(r));
  }

  addContract(c: ContractRecord): void {
    this.stmt(
      'INSERT INTO contracts (address, code_id, code_hash, label, admin, creator, name, created_height) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ).run(c.address, c.codeId, c.codeHash, c.label, c.admin, c.creator, c.name, c.createdHeight);
  }

  private static contractFromRow(row: Record<string, unknown>): ContractRecord {
    return {
      address: row.address as string,
      codeId: row.code_id as number,
      codeHash: row.code_hash as string,
      label: row.label as string,
      admin: row.admin as string,
      creator: row.creator as string,
      name: row.name as string,
      createdHeight: row.created_height as number,
    };
  }

  getContract(address: string): ContractRecord | undefined {
    const row = this.stmt('SELECT * FROM contracts WHERE address = ?').get(address);
    return row ? Store.contractFromRow(row) : undefined;
  }

  getContractByLabel(label: string): ContractRecord | undefined {
    const row = this.stmt('SELECT * FROM contracts WHERE label = ?').get(label);
    return row ? Store.contractFromRow(row) : undefined;
  }

  listContractsByCode(codeId: number): ContractRecord[] {
    return this.stmt('SELECT * FROM contracts WHERE code_id = ? ORDER BY created_height, address')
      .all(codeId)
      .map((r) => Store.contractFromRow(r));
  }

  // --- contract storage ----------------------------------------------------------------------------------------

  kvGet(contract: string, key: string): string | undefined {
    const row = this.stmt('SELECT value FROM contract_kv WHERE contract = ? AND key = ?').get(contract, key) as
      | {value: string}
      | undefined;
    return row?.value;
  }

  kvSet(contract: string, key: string, value: string): void {
    this.stmt(
      'INSERT INTO contract_kv (contract, key, value) VALUES (?, ?, ?) ON CONFLICT(contract, key) DO UPDATE SET value = excluded.value',
    ).run(contract, key, value);
  }

  kvRemove(contract: string, key: string): void {
    this.stmt('DELETE FROM contract_kv WHERE contract = ? AND key = ?').run(contract, key);
  }

  /** Entries with keys starting with `prefix`, ascending, strictly after `startAfter` when given, at most `limit`. */
  kvRange(contract: string, prefix: string, startAfter: string | undefined, limit: number): Array<[string, string]> {
    const out: Array<[string, string]> = [];
    if (limit <= 0) return out;
    const iter =
      startAfter !== undefined && startAfter >= prefix
        ? this.stmt('SELECT key, value FROM contract_kv WHERE contract = ? AND key > ? ORDER BY key').iterate(
            contract,
            startAfter,
          )
        : this.stmt('SELECT key, value FROM contract_kv WHERE contract = ? AND key >= ? ORDER BY key').iterate(
            contract,
            prefix,
          );
    for (const row of iter as Iterable<{key: string; value: string}>) {
      if (!row.key.startsWith(prefix)) break;
      out.push([row.key, row.value]);
      if (out.length >= limit) break;
    }
    return out;
  }

  /** Number of storage entries of a contract (diagnostics and tests). */
  kvCount(contract: string): number {
    return (this.stmt('SELECT COUNT(*) AS n FROM contract_kv WHERE contract = ?').get(contract) as {n: number}).n;
  }

  /** A stored-wasm contract's storage: bytes to bytes, in the `contract_store` table of the same database. */
  contractByteStorage(contract: string): ByteStorage {
    const get = this.stmt('SELECT value FROM contract_store WHERE contract = ? AND key = ?');
    const set = this.stmt(
      'INSERT INTO contract_store (contract, key, value) VALUES (?, ?, ?) ON CONFLICT(contract, key) DO UPDATE SET value = excluded.value',
    );
    const remove = this.stmt('DELETE FROM contract_store WHERE contract = ? AND key = ?');
    return {
      get: (key) => asBytes((get.get(contract, key) as {value: unknown} | undefined)?.value) ?? undefined,
      set: (key, value) => void set.run(contract, key, value),
      remove: (key) => void remove.run(contract, key),
    };
  }

  /** Number of byte-storage entries of a contract (diagnostics and tests). */
  byteStorageCount(contract: string): number {
    return (this.stmt('SELECT COUNT(*) AS n FROM contract_store WHERE contract = ?').get(contract) as {n: number}).n;
  }

  // --- txs -----------------------------------------------------------------------------------------------------

  putTx(hash: string, height: number, json: string): void {
    this.stmt('INSERT INTO txs (hash, height, json) VALUES (?, ?, ?)').run(hash, height, json);
  }

  /** True when a tx with this upper-case hex hash is stored. */
  hasTx(hash: string): boolean {
    return this.stmt('SELECT 1 AS found FROM txs WHERE hash = ?').get(hash) !== undefined;
  }

  /** Stored `{tx, tx_response}` JSON text of a tx by its upper-case hex hash. */
  getTxJson(hash: string): string | undefined {
    const row = this.stmt('SELECT json FROM txs WHERE hash = ?').get(hash) as {json: string} | undefined;
    return row?.json;
  }

  /** Stored txs in height order, after `afterHeight`, at most `limit` (event search). */
  listTxJson(afterHeight: number, limit: number): Array<{height: number; json: string}> {
    return this.stmt('SELECT height, json FROM txs WHERE height > ? ORDER BY height LIMIT ?').all(
      afterHeight,
      limit,
    ) as Array<{height: number; json: string}>;
  }
}
