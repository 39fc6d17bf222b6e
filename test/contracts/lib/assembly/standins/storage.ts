// Stand-in for contracts/lib/storage.ts (see README.md): JSON values under UTF-8 string keys, through db_* imports.
import {db_read, db_remove, db_write} from './imports';
import {readRegion, regionOf} from './memory';
import {utf8Decode, utf8Encode} from './bytes';
import {JsonValue, parseJson, stringify} from './json';

export namespace Storage {
  export function getBytes(key: string): Uint8Array | null {
    const region = db_read(regionOf(utf8Encode(key)));
    return region == 0 ? null : readRegion(region);
  }

  export function setBytes(key: string, value: Uint8Array): void {
    db_write(regionOf(utf8Encode(key)), regionOf(value));
  }

  export function getJson(key: string): JsonValue | null {
    const bytes = getBytes(key);
    return bytes === null ? null : parseJson(utf8Decode(bytes));
  }

  export function setJson(key: string, value: JsonValue): void {
    setBytes(key, utf8Encode(stringify(value)));
  }

  export function remove(key: string): void {
    db_remove(regionOf(utf8Encode(key)));
  }
}
