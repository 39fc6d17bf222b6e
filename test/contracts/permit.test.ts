import {beforeAll, describe, expect, it} from '@jest/globals';
import {createHash} from 'node:crypto';
import {parseIso8601Utc, permitSignBytes, revokePermit, verifyPermit, type Permit} from '../../contracts/common/permit.js';
import type {Env, ReadonlyDeps} from '../../contracts/common/types.js';
import {MemoryStorage, noQuerier, nodeApi, testAddress, type VerifyMode} from './harness.js';
import {address, signPermit, wallet} from './accounts.js';
import {BLANKET, CREATED_SECONDS, EXPIRES_SECONDS, SNIP24_1_ACCOUNT, SNIP24_1_TOKEN, TIMED, TOOLKIT_PULSAR2} from './permit-fixtures.js';

const CONTRACT = testAddress(7);
const OTHER = testAddress(8);

function env(time = 1_700_000_000): Env {
  return {block: {height: 1, time, chain_id: 'secretdev-1'}, contract: {address: CONTRACT, code_hash: '00'.repeat(32)}};
}

function deps(mode: VerifyMode = 'message', storage = new MemoryStorage()): ReadonlyDeps & {api: ReturnType<typeof nodeApi>; storage: MemoryStorage} {
  return {storage, api: nodeApi(mode), querier: noQuerier};
}

describe('permit sign document', () => {
  it('is the canonical amino StdSignDoc of docs §5.2', () => {
    const bytes = permitSignBytes({permit_name: 'p', allowed_tokens: [CONTRACT], chain_id: 'secret-4', permissions: ['balance']});
    expect(Buffer.from(bytes).toString('utf8')).toBe(
      '{"account_number":"0","chain_id":"secret-4","fee":{"amount":[{"amount":"0","denom":"uscrt"}],"gas":"1"},"memo":"",' +
        `"msgs":[{"type":"query_permit","value":{"allowed_tokens":["${CONTRACT}"],"permissions":["balance"],"permit_name":"p"}}],"sequence":"0"}`,
    );
  });

  it('puts created/expires in sorted position only when present, and does not HTML-escape', () => {
    const text = Buffer.from(
      permitSignBytes({permit_name: 'a<b&c>', allowed_tokens: [], chain_id: 'c', permissions: [], created: '2024-01-01T00:00:00Z', expires: null}),
    ).toString('utf8');
    expect(text).toContain('"value":{"allowed_tokens":[],"created":"2024-01-01T00:00:00Z","permissions":[],"permit_name":"a<b&c>"}');
    expect(text).not.toContain('expires');
  });
});

describe('verifyPermit with secretjs-signed permits', () => {
  let permit: Permit;
  let alice: string;
  beforeAll(async () => {
    alice = address('alice');
    permit = await signPermit('alice', 'my-permit', [CONTRACT, OTHER], ['balance']);
  });

  it.each<VerifyMode>(['message', 'prehash'])('returns the signer address (%s verify path)', (mode) => {
    const d = deps(mode);
    expect(verifyPermit(d, env(), permit, CONTRACT, 'balance')).toBe(alice);
    expect(verifyPermit(d, env(), permit, OTHER, 'balance')).toBe(alice);
    expect(d.api.verifyCalls).toBe(2);
  });

  it('lets owner grant every permission and names missing ones in the reference form', async () => {
    expect(() => verifyPermit(deps(), env(), permit, CONTRACT, 'history')).toThrow('No permission to query history, got permissions [Balance]');
    const owner = await signPermit('alice', 'owner', [CONTRACT], ['owner']);
    expect(verifyPermit(deps(), env(), owner, CONTRACT, 'history')).toBe(alice);
    expect(verifyPermit(deps(), env(), permit, CONTRACT, null)).toBe(alice);
  });

  it('rejects a permit for another contract with the reference text', () => {
    const third = testAddress(9);
    expect(() => verifyPermit(deps(), env(), permit, third, 'balance')).toThrow(
      `Permit doesn't apply to token "${third}", allowed tokens: ["${CONTRACT}", "${OTHER}"]`,
    );
  });

  it.each([
    ['the permission list', (p: Permit) => void (p.params.permissions = ['owner'])],
    ['the permit name', (p: Permit) => void (p.params.permit_name = 'other')],
    ['the chain id', (p: Permit) => void (p.params.chain_id = 'secret-4')],
    ['the allowed tokens', (p: Permit) => void p.params.allowed_tokens.push(testAddress(9))],
    ['an added created time', (p: Permit) => void (p.params.created = '2020-01-01T00:00:00Z')],
    ['one signature byte', (p: Permit) => {
      const sig = Buffer.from(p.signature.signature, 'base64');
      sig[10] = sig[10]! ^ 1;
      p.signature.signature = sig.toString('base64');
    }],
  ])('rejects a permit after tampering with %s', (_what, tamper) => {
    const tampered = structuredClone(permit);
    tamper(tampered);
    expect(() => verifyPermit(deps(), env(), tampered, CONTRACT, null)).toThrow('Failed to verify signatures for the given permit');
  });

  it('rejects a signature presented with another account\'s public key', () => {
    const swapped = structuredClone(permit);
    swapped.signature.pub_key.value = Buffer.from(wallet('bob').publicKey).toString('base64');
    expect(() => verifyPermit(deps(), env(), swapped, CONTRACT, null)).toThrow('Failed to verify signatures for the given permit');
  });

  it('checks the key type and length', () => {
    const wrongType = structuredClone(permit);
    wrongType.signature.pub_key.type = 'tendermint/PubKeyEd25519';
    expect(() => verifyPermit(deps(), env(), wrongType, CONTRACT, null)).toThrow('Invalid signature public key type');
    const shortKey = structuredClone(permit);
    shortKey.signature.pub_key.value = Buffer.alloc(32, 2).toString('base64');
    expect(() => verifyPermit(deps(), env(), shortKey, CONTRACT, null)).toThrow('Public key len is not 33 or 65 bytes');
  });

  it('rejects a revoked permit name, for that account only', async () => {
    const storage = new MemoryStorage();
    revokePermit(storage, alice, 'my-permit');
    expect(() => verifyPermit(deps('message', storage), env(), permit, CONTRACT, 'balance')).toThrow(
      `Permit "my-permit" was revoked by account "${alice}"`,
    );
    const bobs = await signPermit('bob', 'my-permit', [CONTRACT], ['balance']);
    expect(verifyPermit(deps('message', storage), env(), bobs, CONTRACT, 'balance')).toBe(address('bob'));
  });

  it('fails for names with HTML characters, which cosmjs escapes before signing (docs §5.3 edge case)', async () => {
    const escaped = await signPermit('alice', 'a<b', [CONTRACT], ['balance']);
    expect(() => verifyPermit(deps(), env(), escaped, CONTRACT, null)).toThrow('Failed to verify signatures for the given permit');
  });
});

describe('verifyPermit with the secret-toolkit test vectors', () => {
  it('derives the pulsar-2 vector\'s account', () => {
    expect(verifyPermit(deps(), env(), TOOLKIT_PULSAR2.permit, TOOLKIT_PULSAR2.token, 'history')).toBe(TOOLKIT_PULSAR2.account);
    expect(verifyPermit(deps('prehash'), env(), TOOLKIT_PULSAR2.permit, TOOLKIT_PULSAR2.token, 'history')).toBe(TOOLKIT_PULSAR2.account);
  });

  it('honours created and expires against the block time', () => {
    expect(verifyPermit(deps(), env(CREATED_SECONDS + 100), TIMED, SNIP24_1_TOKEN, 'balance')).toBe(SNIP24_1_ACCOUNT);
    expect(() => verifyPermit(deps(), env(CREATED_SECONDS - 100), TIMED, SNIP24_1_TOKEN, 'balance')).toThrow('Permit `created` after current block time');
    expect(() => verifyPermit(deps(), env(EXPIRES_SECONDS + 100), TIMED, SNIP24_1_TOKEN, 'balance')).toThrow('Permit has expired');
    expect(() => verifyPermit(deps(), env(EXPIRES_SECONDS), TIMED, SNIP24_1_TOKEN, 'balance')).toThrow('Permit has expired');
  });

  it('accepts a blanket ANY_TOKEN permit for any contract, only with created and alone', () => {
    expect(verifyPermit(deps(), env(CREATED_SECONDS + 100), BLANKET, CONTRACT, 'balance')).toBe(SNIP24_1_ACCOUNT);
    const noCreated = structuredClone(BLANKET);
    delete noCreated.params.created;
    expect(() => verifyPermit(deps(), env(CREATED_SECONDS + 100), noCreated, CONTRACT, null)).toThrow('Blanket permits must have a `created` time');
    const mixed = structuredClone(BLANKET);
    mixed.params.allowed_tokens.push(CONTRACT);
    expect(() => verifyPermit(deps(), env(CREATED_SECONDS + 100), mixed, CONTRACT, null)).toThrow('Blanket permits cannot contain other allowed tokens');
  });
});

describe('parseIso8601Utc', () => {
  it('parses Zulu times with optional fractions', () => {
    expect(parseIso8601Utc('2024-12-17T16:59:00.000Z')).toBe(CREATED_SECONDS);
    expect(parseIso8601Utc('2024-12-20T06:59:30.333Z')).toBe(EXPIRES_SECONDS);
    expect(parseIso8601Utc('1970-01-01T00:00:00Z')).toBe(0);
  });

  it('rejects other zones, impossible dates and malformed text', () => {
    expect(() => parseIso8601Utc('2024-12-17T16:59:00+01:00')).toThrow('ISO 8601 string not in Zulu (UTC+0)');
    expect(() => parseIso8601Utc('2024-02-30T00:00:00Z')).toThrow('ISO 8601 string could not be parsed');
    expect(() => parseIso8601Utc('2024-12-17 16:59:00Z')).toThrow('ISO 8601 string could not be parsed');
    expect(() => parseIso8601Utc('1969-12-31T23:59:59Z')).toThrow('Date time before January 1, 1970 0:00:00 UTC not supported');
  });
});

describe('harness Api', () => {
  it('derives the same address as secretjs for a wallet key', () => {
    const w = wallet('carol');
    expect(nodeApi().pubkeyToAddress(w.publicKey)).toBe(w.address);
    expect(createHash('sha256').update('x').digest()).toEqual(Buffer.from(nodeApi().sha256(Buffer.from('x'))));
  });
});
