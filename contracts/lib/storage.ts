/**
 * Contract storage over the host's `db_read` / `db_write` / `db_remove`. Keys are the UTF-8 bytes of the same
 * string keys the TypeScript contracts used; JSON values are stored as their `stringify` text, so storage stays
 * readable as UTF-8 strings. Once the call has failed (`fail`), writes and removals are skipped: a failed call
 * leaves storage untouched (the host also discards a failed transaction's writes).
 *
 * There is no iterator on Secret: `IndexedList` keeps the index that `range` gave the TypeScript contracts.
 */
import { utf8Encode } from "./bytes";
import { db_read, db_remove, db_write } from "./imports";
import { JsonValue, parseJson, sortStrings, compareUtf16, stringify } from "./json";
import { readRegion, regionOf, regionText } from "./memory";
import { failed } from "./result";

export namespace Storage {
  /** The raw value under a raw key, or null. */
  export function getRaw(key: Uint8Array): Uint8Array | null {
    const region = db_read(regionOf(key));
    return region == 0 ? null : readRegion(region);
  }

  /** Stores a raw value under a raw key (skipped once the call has failed). */
  export function setRaw(key: Uint8Array, value: Uint8Array): void {
    if (failed()) return;
    db_write(regionOf(key), regionOf(value));
  }

  /** Removes a raw key (skipped once the call has failed). */
  export function removeRaw(key: Uint8Array): void {
    if (failed()) return;
    db_remove(regionOf(key));
  }

  export function getBytes(key: string): Uint8Array | null {
    return getRaw(utf8Encode(key));
  }

  export function setBytes(key: string, value: Uint8Array): void {
    setRaw(utf8Encode(key), value);
  }

  export function has(key: string): bool {
    return getRaw(utf8Encode(key)) !== null;
  }

  export function remove(key: string): void {
    removeRaw(utf8Encode(key));
  }

  /** The value as UTF-8 text (not JSON-decoded), or null. */
  export function getString(key: string): string | null {
    const region = db_read(regionOf(utf8Encode(key)));
    return region == 0 ? null : regionText(region, false);
  }

  /** Stores UTF-8 text as is (not JSON-encoded). */
  export function setString(key: string, value: string): void {
    setBytes(key, utf8Encode(value));
  }

  /** The stored JSON value, or null when absent. A stored value that is not JSON is a bug (abort). */
  export function getJson(key: string): JsonValue | null {
    const text = getString(key);
    if (text === null) return null;
    const v = parseJson(text);
    if (v === null) throw new Error("stored value is not JSON: " + key);
    return v;
  }

  export function setJson(key: string, v: JsonValue): void {
    setString(key, stringify(v));
  }

  /** A stored JSON string (as `storage.get<string>` gave), or null when absent or not a string. */
  export function getJsonString(key: string): string | null {
    const v = getJson(key);
    return v === null || !v.isString ? null : v.asString();
  }

  export function setJsonString(key: string, s: string): void {
    setJson(key, JsonValue.str(s));
  }

  /** A stored JSON number as an unsigned integer (as `storage.get<number>(key) ?? fallback` gave). */
  export function getU64(key: string, fallback: u64 = 0): u64 {
    const v = getJson(key);
    return v === null || !v.fitsU64() ? fallback : v.asU64();
  }

  export function setU64(key: string, n: u64): void {
    setJson(key, JsonValue.uint(n));
  }
}

/**
 * A set of string members kept in storage so that it can be listed without an iterator: `<prefix>n` holds the
 * count, `<prefix>i:<n>` the member at position n, `<prefix>p:<member>` its position. Adding and removing cost
 * the same whatever the size (removal moves the last member into the hole); `sorted` and `page` list members in
 * the order `range` gave (keys sorted by UTF-16 code units). The prefix must not start any other key family of
 * the contract (e.g. `plans#` next to `plan:<id>`).
 */
export class IndexedList {
  constructor(public prefix: string) {}

  private countKey(): string {
    return this.prefix + "n";
  }
  private itemKey(i: u64): string {
    return this.prefix + "i:" + i.toString();
  }
  private posKey(member: string): string {
    return this.prefix + "p:" + member;
  }

  count(): u64 {
    return Storage.getU64(this.countKey(), 0);
  }

  contains(member: string): bool {
    return Storage.has(this.posKey(member));
  }

  /** The member at position `i` (insertion order, changed by removals), or null. */
  at(i: u64): string | null {
    return Storage.getJsonString(this.itemKey(i));
  }

  /** Adds `member`; false when it was already there. */
  add(member: string): bool {
    if (this.contains(member)) return false;
    const n = this.count();
    Storage.setJsonString(this.itemKey(n), member);
    Storage.setU64(this.posKey(member), n);
    Storage.setU64(this.countKey(), n + 1);
    return true;
  }

  /** Removes `member`; false when it was not there. */
  remove(member: string): bool {
    const posKey = this.posKey(member);
    const posValue = Storage.getJson(posKey);
    if (posValue === null) return false;
    const pos = posValue.asU64();
    const last = this.count() - 1;
    if (pos != last) {
      const moved = this.at(last);
      if (moved === null) throw new Error("IndexedList: missing entry");
      Storage.setJsonString(this.itemKey(pos), moved as string);
      Storage.setU64(this.posKey(moved as string), pos);
    }
    Storage.remove(this.itemKey(last));
    Storage.remove(posKey);
    if (last == 0) Storage.remove(this.countKey());
    else Storage.setU64(this.countKey(), last);
    return true;
  }

  /** All members in storage order (insertion order, changed by removals). */
  all(): string[] {
    const n = this.count();
    const out = new Array<string>(0);
    for (let i: u64 = 0; i < n; i++) {
      const m = this.at(i);
      if (m !== null) out.push(m);
    }
    return out;
  }

  /** All members sorted by UTF-16 code units. */
  sorted(): string[] {
    const list = this.all();
    sortStrings(list);
    return list;
  }

  /** Sorted members after `startAfter` (exclusive; null = from the start), at most `limit` (negative = all). */
  page(startAfter: string | null, limit: i32): string[] {
    const list = this.sorted();
    const out = new Array<string>(0);
    for (let i = 0; i < list.length; i++) {
      if (limit >= 0 && out.length >= limit) break;
      if (startAfter !== null && compareUtf16(list[i], startAfter) <= 0) continue;
      out.push(list[i]);
    }
    return out;
  }
}
