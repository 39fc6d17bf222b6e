/**
 * Small Secret-style contracts written in WAT for the host's tests, compiled with wabt (MVP features only):
 * - {@link counterContractWat}: a counter with operations picked by the first letter of the message's key;
 * - {@link constantContractWat}: entry points that return fixed result JSON (submessages, errors, odd shapes);
 * - {@link probeContractWat}: exports that call one import each and return its raw result (import tests).
 * All share a prelude: the imports, a bump `allocate`, Region helpers, a string builder, decimal and base64.
 */
import wabtInit from 'wabt';

/** Compiles WAT to wasm bytes with wabt, MVP features only. */
export async function watToWasm(source: string): Promise<Uint8Array> {
  const wabt = await wabtInit();
  const features = {sign_extension: false, mutable_globals: false, sat_float_to_int: false, bulk_memory: false, multi_value: false, reference_types: false};
  const module = wabt.parseWat('contract.wat', source, features);
  try {
    module.validate();
    return new Uint8Array(module.toBinary({}).buffer);
  } finally {
    module.destroy();
  }
}

/** Static strings of a module: each gets an address in a data segment. */
export class StaticData {
  private next = 256;
  private readonly segments: string[] = [];

  /** Places `text` (UTF-8) and returns `(i32.const ptr) (i32.const len)`. */
  str(text: string): string {
    const bytes = Buffer.from(text, 'utf8');
    const ptr = this.next;
    this.next += bytes.length + 1;
    const escaped = [...bytes].map((b) => `\\${b.toString(16).padStart(2, '0')}`).join('');
    this.segments.push(`(data (i32.const ${ptr}) "${escaped}")`);
    if (this.next >= 4096) throw new Error('static data exceeds its 4 KiB area');
    return `(i32.const ${ptr}) (i32.const ${bytes.length})`;
  }

  get wat(): string {
    return this.segments.join('\n');
  }
}

const IMPORTS = `
  (import "env" "db_read" (func $db_read (param i32) (result i32)))
  (import "env" "db_write" (func $db_write (param i32 i32)))
  (import "env" "db_remove" (func $db_remove (param i32)))
  (import "env" "addr_validate" (func $addr_validate (param i32) (result i32)))
  (import "env" "addr_canonicalize" (func $addr_canonicalize (param i32 i32) (result i32)))
  (import "env" "addr_humanize" (func $addr_humanize (param i32 i32) (result i32)))
  (import "env" "secp256k1_verify" (func $secp256k1_verify (param i32 i32 i32) (result i32)))
  (import "env" "secp256k1_recover_pubkey" (func $secp256k1_recover_pubkey (param i32 i32 i32) (result i64)))
  (import "env" "ed25519_verify" (func $ed25519_verify (param i32 i32 i32) (result i32)))
  (import "env" "ed25519_batch_verify" (func $ed25519_batch_verify (param i32 i32 i32) (result i32)))
  (import "env" "secp256k1_sign" (func $secp256k1_sign (param i32 i32) (result i64)))
  (import "env" "ed25519_sign" (func $ed25519_sign (param i32 i32) (result i64)))
  (import "env" "debug" (func $debug (param i32)))
  (import "env" "query_chain" (func $query_chain (param i32) (result i32)))
  (import "env" "check_gas" (func $check_gas (result i64)))
  (import "env" "gas_evaporate" (func $gas_evaporate (param i32) (result i32)))`;

/** Allocator, Region and string helpers every test contract has. */
const HELPERS = `
  (memory (export "memory") 1)
  (global $heap (mut i32) (i32.const 4096))
  (global $sb (mut i32) (i32.const 0))
  (data (i32.const 64) "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
  (func $alloc (export "allocate") (param $size i32) (result i32)
    (local $region i32) (local $end i32)
    (local.set $region (global.get $heap))
    (local.set $end (i32.and (i32.add (i32.add (local.get $region) (i32.add (local.get $size) (i32.const 12))) (i32.const 7)) (i32.const -8)))
    (block $ok
      (loop $grow
        (br_if $ok (i32.le_u (local.get $end) (i32.mul (memory.size) (i32.const 65536))))
        (if (i32.eq (memory.grow (i32.const 1)) (i32.const -1)) (then unreachable))
        (br $grow)))
    (i32.store (local.get $region) (i32.add (local.get $region) (i32.const 12)))
    (i32.store offset=4 (local.get $region) (local.get $size))
    (i32.store offset=8 (local.get $region) (i32.const 0))
    (global.set $heap (local.get $end))
    (local.get $region))
  (func (export "deallocate") (param i32))
  (func (export "interface_version_8"))
  (func $ptr (param $r i32) (result i32) (i32.load (local.get $r)))
  (func $len (param $r i32) (result i32) (i32.load offset=8 (local.get $r)))
  (func $copy (param $dst i32) (param $src i32) (param $n i32)
    (block $done
      (loop $l
        (br_if $done (i32.eqz (local.get $n)))
        (i32.store8 (local.get $dst) (i32.load8_u (local.get $src)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 1)))
        (local.set $src (i32.add (local.get $src) (i32.const 1)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $l))))
  (func $bytes (param $src i32) (param $n i32) (result i32) (local $r i32)
    (local.set $r (call $alloc (local.get $n)))
    (call $copy (call $ptr (local.get $r)) (local.get $src) (local.get $n))
    (i32.store offset=8 (local.get $r) (local.get $n))
    (local.get $r))
  (func $sb_begin (global.set $sb (call $alloc (i32.const 8192))))
  (func $sb_add (param $p i32) (param $n i32)
    (call $copy (i32.add (call $ptr (global.get $sb)) (call $len (global.get $sb))) (local.get $p) (local.get $n))
    (i32.store offset=8 (global.get $sb) (i32.add (call $len (global.get $sb)) (local.get $n))))
  (func $sb_region (param $r i32) (call $sb_add (call $ptr (local.get $r)) (call $len (local.get $r))))
  (func $sb_end (result i32) (global.get $sb))
  (func $itoa (param $v i32) (result i32) (local $buf i32) (local $i i32)
    (local.set $buf (call $alloc (i32.const 12)))
    (local.set $i (i32.const 11))
    (loop $d
      (i32.store8 (i32.add (call $ptr (local.get $buf)) (local.get $i)) (i32.add (i32.const 48) (i32.rem_u (local.get $v) (i32.const 10))))
      (local.set $v (i32.div_u (local.get $v) (i32.const 10)))
      (local.set $i (i32.sub (local.get $i) (i32.const 1)))
      (br_if $d (i32.ne (local.get $v) (i32.const 0))))
    (call $bytes (i32.add (call $ptr (local.get $buf)) (i32.add (local.get $i) (i32.const 1))) (i32.sub (i32.const 11) (local.get $i))))
  (func $b64char (param $v i32) (param $shift i32) (result i32)
    (i32.load8_u offset=64 (i32.and (i32.shr_u (local.get $v) (local.get $shift)) (i32.const 63))))
  (func $b64 (param $r i32) (result i32)
    (local $src i32) (local $n i32) (local $out i32) (local $dst i32) (local $i i32) (local $v i32) (local $rem i32)
    (local.set $src (call $ptr (local.get $r)))
    (local.set $n (call $len (local.get $r)))
    (local.set $out (call $alloc (i32.mul (i32.div_u (i32.add (local.get $n) (i32.const 2)) (i32.const 3)) (i32.const 4))))
    (local.set $dst (call $ptr (local.get $out)))
    (block $done
      (loop $l
        (br_if $done (i32.gt_u (i32.add (local.get $i) (i32.const 3)) (local.get $n)))
        (local.set $v (i32.or (i32.or
          (i32.shl (i32.load8_u (i32.add (local.get $src) (local.get $i))) (i32.const 16))
          (i32.shl (i32.load8_u offset=1 (i32.add (local.get $src) (local.get $i))) (i32.const 8)))
          (i32.load8_u offset=2 (i32.add (local.get $src) (local.get $i)))))
        (i32.store8 (local.get $dst) (call $b64char (local.get $v) (i32.const 18)))
        (i32.store8 offset=1 (local.get $dst) (call $b64char (local.get $v) (i32.const 12)))
        (i32.store8 offset=2 (local.get $dst) (call $b64char (local.get $v) (i32.const 6)))
        (i32.store8 offset=3 (local.get $dst) (call $b64char (local.get $v) (i32.const 0)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
        (local.set $i (i32.add (local.get $i) (i32.const 3)))
        (br $l)))
    (local.set $rem (i32.sub (local.get $n) (local.get $i)))
    (if (i32.ne (local.get $rem) (i32.const 0))
      (then
        (local.set $v (i32.shl (i32.load8_u (i32.add (local.get $src) (local.get $i))) (i32.const 16)))
        (if (i32.eq (local.get $rem) (i32.const 2))
          (then (local.set $v (i32.or (local.get $v) (i32.shl (i32.load8_u offset=1 (i32.add (local.get $src) (local.get $i))) (i32.const 8))))))
        (i32.store8 (local.get $dst) (call $b64char (local.get $v) (i32.const 18)))
        (i32.store8 offset=1 (local.get $dst) (call $b64char (local.get $v) (i32.const 12)))
        (i32.store8 offset=2 (local.get $dst) (select (call $b64char (local.get $v) (i32.const 6)) (i32.const 61) (i32.eq (local.get $rem) (i32.const 2))))
        (i32.store8 offset=3 (local.get $dst) (i32.const 61))))
    (i32.store offset=8 (local.get $out) (i32.load offset=4 (local.get $out)))
    (local.get $out))`;

function module(data: StaticData, body: string): string {
  return `(module${IMPORTS}${HELPERS}\n${data.wat}\n${body})`;
}

/**
 * The counter: `instantiate` sets `count` to 0; `execute` by the message key's first letter:
 * `increment` (+1; attribute `count` encrypted, `action` plaintext; data `{"count":N}`), `fail` (contract error),
 * `trap` (`unreachable`), `loop` (forever), `grow` (grows memory until it fails; count = pages), `calls` (bumps a
 * wasm global and stores it), `q<request>` (forwards the bytes after `{"q":` to `query_chain`, data = the answer),
 * `debug` (the message to `debug`), `echo` (data = the message); `query`: `count` → `{"count":N}`, `write`
 * (db_write, which must trap), anything else an error.
 */
export function counterContractWat(): string {
  const d = new StaticData();
  const key = d.str('count');
  const initOk = d.str('{"Ok":{"messages":[],"attributes":[{"key":"action","value":"init","encrypted":false}],"events":[],"data":null}}');
  const fail = d.str('{"Err":"Generic error: failing on purpose"}');
  const unknown = d.str('{"Err":"Generic error: unknown message"}');
  const okEmpty = d.str('{"Ok":{"messages":[],"attributes":[],"events":[],"data":null}}');
  const countOpen = d.str('{"count":');
  const close = d.str('}');
  const respA = d.str('{"Ok":{"messages":[],"attributes":[{"key":"count","value":"');
  const respB = d.str('","encrypted":true},{"key":"action","value":"increment","encrypted":false}],"events":[],"data":"');
  const respC = d.str('"}}');
  const dataA = d.str('{"Ok":{"messages":[],"attributes":[],"events":[],"data":"');
  const queryOkA = d.str('{"Ok":"');
  const queryOkB = d.str('"}');
  const op = (c: string) => c.charCodeAt(0);
  return module(
    d,
    `
  (global $calls (mut i32) (i32.const 0))
  (func $load_count (result i32) (local $r i32)
    (local.set $r (call $db_read (call $bytes ${key})))
    (if (result i32) (i32.eqz (local.get $r)) (then (i32.const 0)) (else (i32.load (call $ptr (local.get $r))))))
  (func $store_count (param $v i32) (local $r i32)
    (local.set $r (call $alloc (i32.const 4)))
    (i32.store (call $ptr (local.get $r)) (local.get $v))
    (i32.store offset=8 (local.get $r) (i32.const 4))
    (call $db_write (call $bytes ${key}) (local.get $r)))
  (func $count_json (param $v i32) (result i32)
    (call $sb_begin) (call $sb_add ${countOpen}) (call $sb_region (call $itoa (local.get $v))) (call $sb_add ${close}) (call $sb_end))
  (func $count_response (param $v i32) (result i32) (local $data i32)
    (local.set $data (call $b64 (call $count_json (local.get $v))))
    (call $sb_begin) (call $sb_add ${respA}) (call $sb_region (call $itoa (local.get $v))) (call $sb_add ${respB})
    (call $sb_region (local.get $data)) (call $sb_add ${respC}) (call $sb_end))
  (func $data_response (param $r i32) (result i32) (local $data i32)
    (local.set $data (call $b64 (local.get $r)))
    (call $sb_begin) (call $sb_add ${dataA}) (call $sb_region (local.get $data)) (call $sb_add ${respC}) (call $sb_end))
  (func (export "instantiate") (param $env i32) (param $info i32) (param $msg i32) (result i32)
    (call $store_count (i32.const 0))
    (call $bytes ${initOk}))
  (func (export "execute") (param $env i32) (param $info i32) (param $msg i32) (result i32)
    (local $op i32) (local $v i32)
    (local.set $op (i32.load8_u offset=2 (call $ptr (local.get $msg))))
    (if (i32.eq (local.get $op) (i32.const ${op('i')})) (then
      (local.set $v (i32.add (call $load_count) (i32.const 1)))
      (call $store_count (local.get $v))
      (return (call $count_response (local.get $v)))))
    (if (i32.eq (local.get $op) (i32.const ${op('f')})) (then (return (call $bytes ${fail}))))
    (if (i32.eq (local.get $op) (i32.const ${op('t')})) (then unreachable))
    (if (i32.eq (local.get $op) (i32.const ${op('l')})) (then (loop $forever (br $forever))))
    (if (i32.eq (local.get $op) (i32.const ${op('g')})) (then
      (block $full (loop $more (br_if $full (i32.eq (memory.grow (i32.const 1)) (i32.const -1))) (br $more)))
      (call $store_count (memory.size))
      (return (call $count_response (memory.size)))))
    (if (i32.eq (local.get $op) (i32.const ${op('c')})) (then
      (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
      (call $store_count (global.get $calls))
      (return (call $count_response (global.get $calls)))))
    (if (i32.eq (local.get $op) (i32.const ${op('q')})) (then
      (return (call $data_response (call $query_chain
        (call $bytes (i32.add (call $ptr (local.get $msg)) (i32.const 5)) (i32.sub (call $len (local.get $msg)) (i32.const 6))))))))
    (if (i32.eq (local.get $op) (i32.const ${op('d')})) (then (call $debug (local.get $msg)) (return (call $bytes ${okEmpty}))))
    (if (i32.eq (local.get $op) (i32.const ${op('e')})) (then (return (call $data_response (local.get $msg)))))
    (call $bytes ${unknown}))
  (func (export "query") (param $env i32) (param $msg i32) (result i32)
    (local $op i32) (local $answer i32)
    (local.set $op (i32.load8_u offset=2 (call $ptr (local.get $msg))))
    (if (i32.eq (local.get $op) (i32.const ${op('c')})) (then
      (local.set $answer (call $b64 (call $count_json (call $load_count))))
      (call $sb_begin) (call $sb_add ${queryOkA}) (call $sb_region (local.get $answer))
      (call $sb_add ${queryOkB}) (return (call $sb_end))))
    (if (i32.eq (local.get $op) (i32.const ${op('w')})) (then (call $store_count (i32.const 99)) (return (call $bytes ${okEmpty}))))
    (call $bytes ${unknown}))`,
  );
}

/** A contract whose entry points return the given result JSON texts (no storage). */
export function constantContractWat(results: {instantiate?: string; execute?: string; query?: string}): string {
  const d = new StaticData();
  const okEmpty = '{"Ok":{"messages":[],"attributes":[],"events":[],"data":null}}';
  const inst = d.str(results.instantiate ?? okEmpty);
  const exec = d.str(results.execute ?? okEmpty);
  const query = d.str(results.query ?? '{"Ok":"bnVsbA=="}');
  return module(
    d,
    `
  (func (export "instantiate") (param i32 i32 i32) (result i32) (call $bytes ${inst}))
  (func (export "execute") (param i32 i32 i32) (result i32) (call $bytes ${exec}))
  (func (export "query") (param i32 i32) (result i32) (call $bytes ${query}))`,
  );
}

/**
 * Import probes: `probe_<import>` takes the import's Region arguments, calls it, and returns a Region holding the
 * raw result as 8 bytes little-endian followed by the bytes of the Region it points to (pointer results, and the
 * destination Region of `addr_canonicalize`/`addr_humanize`, allocated with 64 bytes of capacity).
 */
export function probeContractWat(): string {
  const d = new StaticData();
  const pack = `
  (func $pack (param $raw i64) (param $r i32) (result i32) (local $out i32)
    (local.set $out (call $alloc (i32.add (i32.const 8) (if (result i32) (local.get $r) (then (call $len (local.get $r))) (else (i32.const 0))))))
    (i64.store (call $ptr (local.get $out)) (local.get $raw))
    (if (local.get $r) (then (call $copy (i32.add (call $ptr (local.get $out)) (i32.const 8)) (call $ptr (local.get $r)) (call $len (local.get $r)))))
    (i32.store offset=8 (local.get $out) (i32.load offset=4 (local.get $out)))
    (local.get $out))
  (func $pack_ptr (param $p i32) (result i32) (call $pack (i64.extend_i32_u (local.get $p)) (local.get $p)))
  (func $pack_u64 (param $v i64) (result i32)
    (call $pack (local.get $v) (if (result i32) (i64.eqz (i64.shr_u (local.get $v) (i64.const 32))) (then (i32.wrap_i64 (local.get $v))) (else (i32.const 0)))))
  (func $pack_dst (param $code i32) (param $dst i32) (result i32)
    (call $pack (i64.extend_i32_u (local.get $code)) (if (result i32) (local.get $code) (then (local.get $code)) (else (local.get $dst)))))`;
  const three = (name: string) =>
    `(func (export "probe_${name}") (param i32 i32 i32) (result i32) (call $pack (i64.extend_i32_u (call $${name} (local.get 0) (local.get 1) (local.get 2))) (i32.const 0)))`;
  return module(
    d,
    `${pack}
  (func (export "query") (param i32 i32) (result i32) unreachable)
  (func (export "probe_db_read") (param i32) (result i32) (call $pack_ptr (call $db_read (local.get 0))))
  (func (export "probe_db_write") (param i32 i32) (result i32) (call $db_write (local.get 0) (local.get 1)) (call $pack (i64.const 0) (i32.const 0)))
  (func (export "probe_db_remove") (param i32) (result i32) (call $db_remove (local.get 0)) (call $pack (i64.const 0) (i32.const 0)))
  (func (export "probe_addr_validate") (param i32) (result i32) (call $pack_ptr (call $addr_validate (local.get 0))))
  (func (export "probe_addr_canonicalize") (param i32) (result i32) (local $dst i32)
    (local.set $dst (call $alloc (i32.const 64)))
    (call $pack_dst (call $addr_canonicalize (local.get 0) (local.get $dst)) (local.get $dst)))
  (func (export "probe_addr_humanize") (param i32) (result i32) (local $dst i32)
    (local.set $dst (call $alloc (i32.const 64)))
    (call $pack_dst (call $addr_humanize (local.get 0) (local.get $dst)) (local.get $dst)))
  ${three('secp256k1_verify')}
  ${three('ed25519_verify')}
  ${three('ed25519_batch_verify')}
  (func (export "probe_secp256k1_recover_pubkey") (param i32 i32 i32) (result i32)
    (call $pack_u64 (call $secp256k1_recover_pubkey (local.get 0) (local.get 1) (i32.load8_u (call $ptr (local.get 2))))))
  (func (export "probe_secp256k1_sign") (param i32 i32) (result i32) (call $pack_u64 (call $secp256k1_sign (local.get 0) (local.get 1))))
  (func (export "probe_ed25519_sign") (param i32 i32) (result i32) (call $pack_u64 (call $ed25519_sign (local.get 0) (local.get 1))))
  (func (export "probe_debug") (param i32) (result i32) (call $debug (local.get 0)) (call $pack (i64.const 0) (i32.const 0)))
  (func (export "probe_query_chain") (param i32) (result i32) (call $pack_ptr (call $query_chain (local.get 0))))
  (func (export "probe_check_gas") (result i32) (call $pack (call $check_gas) (i32.const 0)))
  (func (export "probe_gas_evaporate") (param i32) (result i32)
    (call $pack (i64.extend_i32_u (call $gas_evaporate (i32.load (call $ptr (local.get 0))))) (i32.const 0)))
  (func (export "probe_bad_region") (result i32) (call $pack_ptr (call $db_read (i32.const 1048576000))))`,
  );
}
