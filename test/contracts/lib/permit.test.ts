import {beforeAll, describe, expect, it} from '@jest/globals';
import {secp256k1} from '@noble/curves/secp256k1.js';
import {parseIso8601Utc, permitSignBytes, revokePermit, verifyPermit, type Permit, type PermitPermission} from '../../../contracts/common/permit.js';
import type {Env} from '../../../contracts/common/types.js';
import {address, signPermit, wallet} from '../accounts.js';
import {MemoryStorage, noQuerier, nodeApi, testAddress} from '../harness.js';
import {BLANKET, CREATED_SECONDS, EXPIRES_SECONDS, TIMED, TOOLKIT_PULSAR2, SNIP24_1_TOKEN} from '../permit-fixtures.js';
import {compileTestModule, secretWasmProblems} from './asc.js';
import {TestModule} from './as-host.js';

const CONTRACT = testAddress(7);
const OTHER = testAddress(8);
const NOW = 1_700_000_000;

/** A permit check on both sides: `ok:<account>` or `err:<message>`. */
interface Case {
  name: string;
  permit: Permit;
  contract?: string;
  time?: number;
  permission?: PermitPermission | null;
}

function env(time: number): Env {
  return {block: {height: 1, time, chain_id: 'secretdev-1'}, contract: {address: CONTRACT, code_hash: '00'.repeat(32)}};
}

/** The TypeScript verifier's outcome, with the revocations in `storage`. */
function tsOutcome(c: Case, storage: MemoryStorage): string {
  try {
    const deps = {storage, api: nodeApi(), querier: noQuerier};
    return `ok:${verifyPermit(deps, env(c.time ?? NOW), c.permit, c.contract ?? CONTRACT, c.permission === undefined ? 'balance' : c.permission)}`;
  } catch (e) {
    return `err:${(e as Error).message}`;
  }
}

function asOutcome(m: TestModule, c: Case): string {
  const input = {permit: c.permit, contract: c.contract ?? CONTRACT, time: c.time ?? NOW, permission: c.permission === undefined ? 'balance' : c.permission};
  return m.run('runPermit', JSON.stringify(input)).text;
}

const clone = (p: Permit): Permit => structuredClone(p);
const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');

describe('contracts/lib permits (wasm) against contracts/common/permit.ts', () => {
  let m: TestModule;
  let alice: Permit;
  let owner: Permit;
  let otherChain: Permit;
  let html: Permit;

  beforeAll(async () => {
    m = await TestModule.load('crypto');
    alice = await signPermit('alice', 'my-permit', [CONTRACT, OTHER], ['balance']);
    owner = await signPermit('alice', 'owner', [CONTRACT], ['owner']);
    otherChain = await signPermit('alice', 'abroad', [CONTRACT], ['balance', 'history'], 'secret-4');
    html = await signPermit('alice', 'a<b', [CONTRACT], ['balance']);
  });

  function cases(): Case[] {
    const tampered = (name: string, f: (p: Permit) => void, base = alice): Case => {
      const p = clone(base);
      f(p);
      return {name, permit: p};
    };
    const uncompressed = clone(alice);
    uncompressed.signature.pub_key.value = b64(secp256k1.Point.fromBytes(wallet('alice').publicKey).toBytes(false));
    return [
      {name: 'valid', permit: alice},
      {name: 'valid for the other listed contract', permit: alice, contract: OTHER},
      {name: 'another contract', permit: alice, contract: testAddress(9)},
      {name: 'missing permission', permit: alice, permission: 'history'},
      {name: 'no permission asked', permit: alice, permission: null},
      {name: 'owner grants all', permit: owner, permission: 'allowance'},
      {name: 'signed for another chain id: chain ids are not compared', permit: otherChain, permission: 'history'},
      tampered('chain id changed after signing', (p) => void (p.params.chain_id = 'secret-4')),
      tampered('permit name changed', (p) => void (p.params.permit_name = 'other')),
      tampered('permissions changed', (p) => void (p.params.permissions = ['owner'])),
      tampered('token added', (p) => void p.params.allowed_tokens.push(testAddress(9))),
      tampered('one signature bit', (p) => {
        const sig = Buffer.from(p.signature.signature, 'base64');
        sig[10] = sig[10]! ^ 1;
        p.signature.signature = sig.toString('base64');
      }),
      tampered('wrong signer: another account\'s key', (p) => void (p.signature.pub_key.value = b64(wallet('bob').publicKey))),
      {name: 'uncompressed key of the signer', permit: uncompressed},
      tampered('wrong key type', (p) => void (p.signature.pub_key.type = 'tendermint/PubKeyEd25519')),
      tampered('32-byte key', (p) => void (p.signature.pub_key.value = Buffer.alloc(32, 2).toString('base64'))),
      tampered('33-byte key with a bad prefix', (p) => void (p.signature.pub_key.value = Buffer.alloc(33, 5).toString('base64'))),
      tampered('key not base64 (length)', (p) => void (p.signature.pub_key.value = 'AAA')),
      tampered('key not base64 (character)', (p) => void (p.signature.pub_key.value = 'AA*A')),
      tampered('key with inner padding', (p) => void (p.signature.pub_key.value = 'A=AA')),
      tampered('signature not base64', (p) => void (p.signature.signature = 'AAAA\u00e9AAA')),
      tampered('short signature', (p) => void (p.signature.signature = Buffer.alloc(63, 1).toString('base64'))),
      {name: 'HTML characters in the name (cosmjs escapes them before signing)', permit: html},
      {name: 'toolkit pulsar-2 vector', permit: TOOLKIT_PULSAR2.permit, contract: TOOLKIT_PULSAR2.token, permission: 'history'},
      {name: 'SNIP-24.1 within its time window', permit: TIMED, contract: SNIP24_1_TOKEN, time: CREATED_SECONDS + 100},
      {name: 'created after the block time', permit: TIMED, contract: SNIP24_1_TOKEN, time: CREATED_SECONDS - 100},
      {name: 'created exactly at the block time', permit: TIMED, contract: SNIP24_1_TOKEN, time: CREATED_SECONDS},
      {name: 'expired', permit: TIMED, contract: SNIP24_1_TOKEN, time: EXPIRES_SECONDS + 100},
      {name: 'expires exactly at the block time', permit: TIMED, contract: SNIP24_1_TOKEN, time: EXPIRES_SECONDS},
      {name: 'one second before expiry', permit: TIMED, contract: SNIP24_1_TOKEN, time: EXPIRES_SECONDS - 1},
      {name: 'blanket permit', permit: BLANKET, time: CREATED_SECONDS + 100},
      tampered('blanket permit without created', (p) => void delete p.params.created, BLANKET),
      tampered('blanket permit with created null', (p) => void (p.params.created = null), BLANKET),
      tampered('blanket permit with another token', (p) => void p.params.allowed_tokens.push(CONTRACT), BLANKET),
      tampered('created not in Zulu time', (p) => void (p.params.created = '2024-12-17T16:59:00+01:00')),
      tampered('created on an impossible date', (p) => void (p.params.created = '2024-02-30T00:00:00Z')),
      tampered('created before 1970', (p) => void (p.params.created = '1969-12-31T23:59:59Z')),
      tampered('expires malformed', (p) => void (p.params.expires = '2030-01-01 00:00:00Z')),
      tampered('expires null is absent', (p) => void (p.params.expires = null)),
    ];
  }

  it('gives the same answer and error text as the TypeScript verifier in every case', () => {
    const storage = new MemoryStorage();
    const outcomes = cases().map((c) => ({name: c.name, ts: tsOutcome(c, storage), wasm: asOutcome(m, c)}));
    for (const o of outcomes) expect([o.name, o.wasm]).toEqual([o.name, o.ts]);
    // The table covers acceptance and each kind of refusal.
    const texts = outcomes.map((o) => o.ts);
    expect(texts.filter((t) => t.startsWith('ok:')).length).toBeGreaterThanOrEqual(8);
    for (const fragment of [
      'doesn\'t apply to token', 'No permission to query history, got permissions [Balance]', 'Failed to verify signatures',
      'Invalid signature public key type', 'Public key len is not 33 or 65 bytes', 'Invalid permit public key: Invalid Base64 string: length',
      'unexpected character at 2', 'Invalid permit signature', 'Permit `created` after current block time', 'Permit has expired',
      'Blanket permits must have a `created` time', 'Blanket permits cannot contain other allowed tokens', 'ISO 8601 string not in Zulu (UTC+0)',
      'ISO 8601 string could not be parsed', 'Date time before January 1, 1970',
    ]) {
      expect([fragment, texts.some((t) => t.includes(fragment))]).toEqual([fragment, true]);
    }
    expect(outcomes.find((o) => o.name.startsWith('signed for another chain'))!.wasm).toBe(`ok:${address('alice')}`);
    expect(outcomes.find((o) => o.name === 'chain id changed after signing')!.wasm).toBe('err:Failed to verify signatures for the given permit');
  });

  it('refuses a revoked permit name for that account only, stored as the TypeScript store does', async () => {
    const storage = new MemoryStorage();
    revokePermit(storage, address('alice'), 'my-permit');
    m.run('runRevoke', `${address('alice')}\nmy-permit`);
    const key = `permit_revoked:${address('alice')}:my-permit`;
    expect(new TextDecoder().decode(m.storage.get(key))).toBe(storage.snapshot().get(key));
    const revoked: Case = {name: 'revoked', permit: alice};
    expect(asOutcome(m, revoked)).toBe(`err:Permit "my-permit" was revoked by account "${address('alice')}"`);
    expect(asOutcome(m, revoked)).toBe(tsOutcome(revoked, storage));
    const bobs: Case = {name: 'same name, other account', permit: await signPermit('bob', 'my-permit', [CONTRACT], ['balance'])};
    expect(asOutcome(m, bobs)).toBe(`ok:${address('bob')}`);
    expect(asOutcome(m, bobs)).toBe(tsOutcome(bobs, storage));
    m.storage.clear();
    expect(asOutcome(m, revoked)).toBe(`ok:${address('alice')}`);
  });

  it('builds the sign document byte for byte as the TypeScript side, over awkward strings', () => {
    const awkward = [
      '', 'plain', 'quote"back\\slash', 'a<b&c>', 'tab\tnew\nline\r\u0000\u001f\u007f', '\u00e9\u4e2d\ud83d\ude00', 'lone \ud800 high',
      'lone \udc00 low', '\u2028\u2029',
    ];
    for (const s of awkward) {
      const params = {permit_name: s, allowed_tokens: [s, CONTRACT], chain_id: s, permissions: ['balance', 'owner'] as PermitPermission[]};
      for (const extra of [{}, {created: s}, {expires: s, created: null}, {created: '2024-01-01T00:00:00Z', expires: s}]) {
        const full = {...params, ...extra};
        expect([s, Buffer.from(m.run('runPermitSignBytes', JSON.stringify(full)).bytes).toString('hex')]).toEqual([
          s,
          Buffer.from(permitSignBytes(full)).toString('hex'),
        ]);
      }
    }
  });

  it('parses ISO-8601 UTC times as the TypeScript side, including its refusals', () => {
    const texts = [
      '1970-01-01T00:00:00Z', '2024-12-17T16:59:00.000Z', '2024-12-20T06:59:30.333Z', '2024-02-29T23:59:59Z', '2023-02-29T00:00:00Z',
      '2000-02-29T12:00:00Z', '1900-02-29T00:00:00Z', '2100-02-28T00:00:00.123456789Z', '2100-02-28T00:00:00.1234567890Z',
      '9999-12-31T23:59:59Z', '0000-01-01T00:00:00Z', '0099-06-01T00:00:00Z', '0100-01-01T00:00:00Z', '1969-12-31T23:59:59Z',
      '2024-00-10T00:00:00Z', '2024-13-10T00:00:00Z', '2024-04-31T00:00:00Z', '2024-04-00T00:00:00Z', '2024-01-01T24:00:00Z',
      '2024-01-01T23:60:00Z', '2024-01-01T23:59:60Z', '2024-01-01T00:00:00.Z', '2024-01-01T00:00:00', '2024-01-01T00:00:00z',
      '2024-01-01 00:00:00Z', '2024-1-01T00:00:00Z', '', 'Z', '2024-01-01T00:00:00+00:00', '2024-01-01T00:00:00Z ',
      '\u0662024-01-01T00:00:00Z',
    ];
    for (let i = 0; i < 400; i++) {
      const n = (k: number, w: number) => String(Math.floor(Math.random() * k)).padStart(w, '0');
      texts.push(`${n(10000, 4)}-${n(14, 2)}-${n(33, 2)}T${n(25, 2)}:${n(61, 2)}:${n(61, 2)}${i % 3 === 0 ? `.${n(1000, 3)}` : ''}Z`);
    }
    for (const text of texts) {
      let expected: string;
      try {
        expected = `ok:${parseIso8601Utc(text)}`;
      } catch (e) {
        expected = `err:${(e as Error).message}`;
      }
      expect([text, m.run('runIso', text).text]).toEqual([text, expected]);
    }
  });

  it('compiles to an MVP module without floating point', async () => {
    expect(await secretWasmProblems(await compileTestModule('crypto'))).toEqual([]);
  });
});
