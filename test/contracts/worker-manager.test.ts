import {beforeEach, describe, expect, it} from '@jest/globals';
import type * as WM from '../../contracts/worker-manager/types.js';
import {testAddress} from './harness.js';
import {
  bundleFor,
  currentChallenge,
  EPOCH,
  MIN_STAKE,
  newKey,
  newWorkerManager,
  nonceFor,
  permitFor,
  registerWorker,
  signSha256,
  TLS_SPKI,
  UNBONDING,
  type WorkerKey,
  type WorkerManagerHarness,
} from './worker-manager-fixtures.js';

const admin = testAddress(1);
const stranger = testAddress(2);
const STAKE = [{denom: 'uscrt', amount: MIN_STAKE}];
const POLICY: WM.MeasurementPolicy = {name: 'test', version: '1', tdx: [{mrtd: 'a'.repeat(96), rtmr0: 'b'.repeat(96), rtmr1: 'c'.repeat(96), rtmr2: 'd'.repeat(96)}]};

type RegisterBody = Extract<WM.ExecuteMsg, {register_worker: unknown}>['register_worker'];

function registration(h: WorkerManagerHarness, key: WorkerKey, over: Partial<RegisterBody> = {}): WM.ExecuteMsg {
  const challenge = currentChallenge(h).challenge;
  return {
    register_worker: {
      url: 'https://worker.example:21434',
      models: ['stories260K'],
      payout_address: key.address,
      worker_pubkey: key.pubkeyB64,
      attestation: bundleFor(key, {challenge}),
      ...over,
    },
  };
}

/** Runs a refused execute and checks that storage is byte-for-byte unchanged; returns the error text. */
function refused(h: WorkerManagerHarness, sender: string, msg: WM.ExecuteMsg, funds = STAKE): string {
  const before = h.storage.snapshot();
  const err = h.executeError(sender, msg, funds);
  expect(h.storage.snapshot()).toEqual(before);
  return err;
}

const workers = (h: WorkerManagerHarness, q: {model?: string; start_after?: string; limit?: number} = {}) =>
  h.query<WM.GetWorkersResponse>({get_workers: q}).workers;

describe('worker-manager: registration', () => {
  let h: WorkerManagerHarness;
  let op: WorkerKey;
  beforeEach(() => {
    h = newWorkerManager(admin, {allow_loopback_urls: false});
    op = newKey();
  });

  it('registers a worker from its own key, stores the bundle as submitted and lists it', () => {
    const msg = registration(h, op, {models: ['stories260K', 'llama3.2:3b']});
    const res = h.execute(op.address, msg, STAKE);
    expect(res.data).toEqual({register_worker: {worker_id: '1'}});
    const got = h.query<WM.GetWorkerResponse>({get_worker: {id: '1'}});
    expect(got.worker).toMatchObject({
      id: '1', operator: op.address, url: 'https://worker.example:21434', models: ['stories260K', 'llama3.2:3b'],
      payout_address: op.address, worker_pubkey: op.pubkeyB64, status: 'active', stake: MIN_STAKE,
      registered_at: h.env.block.time, last_liveness_at: h.env.block.time, unbonding_ends_at: null,
    });
    expect(got.attestation).toEqual((msg as {register_worker: RegisterBody}).register_worker.attestation);
    expect(workers(h).map((w) => w.id)).toEqual(['1']);
    expect(h.query({get_models: {}})).toEqual({models: ['llama3.2:3b', 'stories260K']});
    expect(h.query({get_u_r_ls: {model: 'stories260K'}})).toEqual({urls: ['https://worker.example:21434']});
  });

  it('accepts the previous epoch\'s challenge, so a registration near the boundary does not fail', () => {
    const old = currentChallenge(h);
    h.advance(EPOCH);
    const now = currentChallenge(h);
    expect(now.challenge).not.toBe(old.challenge);
    expect(now.previous).toBe(old.challenge);
    h.execute(op.address, registration(h, op, {attestation: bundleFor(op, {challenge: old.challenge})}), STAKE);
    expect(workers(h)).toHaveLength(1);
  });

  it('refuses a stale challenge (two epochs old), state unchanged', () => {
    const old = currentChallenge(h).challenge;
    h.advance(2 * EPOCH);
    expect(refused(h, op.address, registration(h, op, {attestation: bundleFor(op, {challenge: old})}))).toMatch(/does not bind worker_pubkey and the current registration challenge/);
  });

  it('refuses a stake below the minimum or in another denomination', () => {
    expect(refused(h, op.address, registration(h, op), [{denom: 'uscrt', amount: '999999'}])).toBe('Insufficient stake: sent 999999uscrt, the minimum is 1000000uscrt');
    expect(refused(h, op.address, registration(h, op), [])).toMatch(/^Insufficient stake/);
    expect(refused(h, op.address, registration(h, op), [{denom: 'uatom', amount: MIN_STAKE}])).toBe('Invalid stake: only uscrt is accepted, got uatom');
  });

  it('refuses a sender that is not the account of worker_pubkey (someone else\'s bundle)', () => {
    const thief = newKey();
    expect(refused(h, thief.address, registration(h, op))).toMatch(/^Unauthorized: the sender .* is not the account of worker_pubkey/);
  });

  it.each([
    ['http://worker.example:21434', /expected https:\/\/HOST/],
    ['https://worker.example:21434/v1', /without path/],
    ['https://user@worker.example', /expected https:\/\/HOST/],
    ['https://worker.example:70000', /port 70000 is out of range/],
    ['https://Worker_Example', /bad host name/],
    ['https://127.0.0.1:21434', /loopback hosts are accepted only on a devnet/],
    ['https://localhost:21434', /loopback/],
  ])('refuses the malformed URL %s', (url, why) => {
    expect(refused(h, op.address, registration(h, op, {url}))).toMatch(why);
  });

  it('accepts loopback URLs where the instantiation allows them (devnets)', () => {
    const dev = newWorkerManager(admin, {allow_loopback_urls: true});
    dev.execute(op.address, registration(dev, op, {url: 'https://127.0.0.1:21434/'}), STAKE);
    expect(workers(dev)[0]!.url).toBe('https://127.0.0.1:21434');
  });

  it('refuses malformed model names through the schema', () => {
    expect(refused(h, op.address, registration(h, op, {models: ['bad model']}))).toMatch(/models\/0|models\[0\]|must match/);
    expect(refused(h, op.address, registration(h, op, {models: []}))).toMatch(/models/);
  });

  it('refuses a bundle whose REPORTDATA does not bind the TLS key, the GPU nonce or the worker key', () => {
    const challenge = currentChallenge(h).challenge;
    const other = newKey();
    const cases: Array<[WM.AttestationBundle, RegExp]> = [
      [{...bundleFor(op, {challenge}), tlsSpki: Buffer.from(TLS_SPKI.slice(0, -1)).toString('base64')}, /REPORTDATA\[0..32\] is not SHA-256 of the bundle TLS key/],
      [bundleFor(op, {challenge, gpuNonce: '00'.repeat(32)}), /GPU evidence nonce is not REPORTDATA\[32..64\]/],
      [bundleFor(op, {challenge, bundleKey: other.pubkey}), /names another worker key/],
      [bundleFor(op, {challenge, nonce: nonceFor(other.pubkey, challenge)}), /does not bind worker_pubkey/],
      [{...bundleFor(op, {challenge}), challenge: '11'.repeat(32)}, /bundle challenge is not the one its REPORTDATA binds/],
      [{version: 1}, /cpu evidence is missing/],
      [{...bundleFor(op, {challenge}), cpu: {type: 'tdx', quote: Buffer.alloc(100).toString('base64')}}, /unsupported TDX quote version|too short/],
    ];
    for (const [attestation, why] of cases) expect(refused(h, op.address, registration(h, op, {attestation}))).toMatch(why);
  });

  it('accepts a bundle without GPU evidence when REPORTDATA binds the worker key and challenge', () => {
    const challenge = currentChallenge(h).challenge;
    h.execute(op.address, registration(h, op, {attestation: bundleFor(op, {challenge, gpuNonce: null})}), STAKE);
    expect(workers(h)).toHaveLength(1);
  });

  it('refuses a second registration by the same worker key', () => {
    h.execute(op.address, registration(h, op), STAKE);
    expect(refused(h, op.address, registration(h, op))).toMatch(/already operates worker 1/);
  });
});

describe('worker-manager: updates, leaving, admin', () => {
  let h: WorkerManagerHarness;
  let op: WorkerKey;
  let id: string;
  beforeEach(() => {
    h = newWorkerManager(admin, {fee_address: testAddress(9)});
    op = newKey();
    id = registerWorker(h, op, ['stories260K']);
  });

  it('update_worker changes URL, models and payout; the model lists follow', () => {
    h.execute(op.address, {update_worker: {url: 'https://w2.example', models: ['llama3.2:3b'], payout_address: stranger}});
    expect(h.query<WM.GetWorkerResponse>({get_worker: {id}}).worker).toMatchObject({url: 'https://w2.example', models: ['llama3.2:3b'], payout_address: stranger});
    expect(h.query({get_models: {}})).toEqual({models: ['llama3.2:3b']});
    expect(workers(h, {model: 'stories260K'})).toEqual([]);
  });

  it('update_worker re-checks a new bundle and refuses other accounts and empty updates, state unchanged', () => {
    const challenge = currentChallenge(h).challenge;
    expect(refused(h, op.address, {update_worker: {attestation: bundleFor(op, {challenge, gpuNonce: 'ff'.repeat(32)})}}, [])).toMatch(/GPU evidence nonce/);
    expect(refused(h, stranger, {update_worker: {worker_id: id, url: 'https://x.example'}}, [])).toMatch(/operated by another account/);
    expect(refused(h, stranger, {update_worker: {url: 'https://x.example'}}, [])).toMatch(/no worker is operated by/);
    expect(refused(h, op.address, {update_worker: {}}, [])).toMatch(/nothing to change/);
    h.execute(op.address, {update_worker: {attestation: bundleFor(op, {challenge})}});
  });

  it('deregister_worker stops assignment; withdraw_stake pays back only after unbonding, once', () => {
    h.execute(op.address, {deregister_worker: {}});
    const w = h.query<WM.GetWorkerResponse>({get_worker: {id}}).worker;
    expect(w).toMatchObject({status: 'unbonding', unbonding_ends_at: h.env.block.time + UNBONDING});
    expect(h.query({get_models: {}})).toEqual({models: []});
    expect(refused(h, op.address, {deregister_worker: {}}, [])).toMatch(/is unbonding, not active/);
    expect(refused(h, op.address, {withdraw_stake: {}}, [])).toMatch(/is unbonding until/);
    expect(refused(h, stranger, {withdraw_stake: {worker_id: id}}, [])).toMatch(/operated by another account/);
    h.advance(UNBONDING);
    const res = h.execute(op.address, {withdraw_stake: {}});
    expect(res.messages).toEqual([{bank_send: {to_address: op.address, amount: [{denom: 'uscrt', amount: MIN_STAKE}]}}]);
    expect(h.query<WM.GetWorkerResponse>({get_worker: {id}}).worker).toMatchObject({status: 'withdrawn', stake: '0'});
    expect(refused(h, op.address, {withdraw_stake: {worker_id: id}}, [])).toMatch(/no stake left/);
    // The key may register again once its stake is withdrawn.
    expect(registerWorker(h, op, ['stories260K'])).toBe('2');
  });

  it('withdraw_stake refuses an active worker', () => {
    expect(refused(h, op.address, {withdraw_stake: {}}, [])).toMatch(/is active: deregister_worker first/);
  });

  it('remove_worker is admin only and takes the worker out of assignment', () => {
    expect(refused(h, stranger, {remove_worker: {worker_id: id}}, [])).toBe('Unauthorized: only the admin can run remove_worker');
    expect(refused(h, admin, {remove_worker: {worker_id: '99'}}, [])).toBe('worker 99 not found');
    h.execute(admin, {remove_worker: {worker_id: id, reason: 'bad image'}});
    expect(h.query<WM.GetWorkerResponse>({get_worker: {id}}).worker.status).toBe('removed');
    expect(h.query({get_u_r_ls: {}})).toEqual({urls: []});
    h.advance(UNBONDING);
    expect(h.execute(op.address, {withdraw_stake: {}}).messages).toHaveLength(1);
  });

  it('slash_worker is admin only, sends the share to the fee address and removes the worker', () => {
    expect(refused(h, stranger, {slash_worker: {worker_id: id, amount: '10'}}, [])).toBe('Unauthorized: only the admin can run slash_worker');
    expect(refused(h, admin, {slash_worker: {worker_id: id, amount: '1000001'}}, [])).toMatch(/has only 1000000uscrt staked/);
    expect(refused(h, admin, {slash_worker: {worker_id: id, amount: '0'}}, [])).toMatch(/positive/);
    const res = h.execute(admin, {slash_worker: {worker_id: id, amount: '250000', reason: 'offline'}});
    expect(res.messages).toEqual([{bank_send: {to_address: testAddress(9), amount: [{denom: 'uscrt', amount: '250000'}]}}]);
    expect(h.query<WM.GetWorkerResponse>({get_worker: {id}}).worker).toMatchObject({status: 'removed', stake: '750000'});
  });

  it('report_liveness takes the worker key\'s signature over the current challenge only', () => {
    const challenge = currentChallenge(h).challenge;
    h.advance(EPOCH + 5);
    const now = currentChallenge(h).challenge;
    h.execute(stranger, {report_liveness: {worker_id: id, signature: signSha256(op, Buffer.from(now, 'hex'))}});
    expect(h.query<WM.GetWorkerResponse>({get_worker: {id}}).worker.last_liveness_at).toBe(h.env.block.time);
    expect(refused(h, op.address, {report_liveness: {signature: signSha256(newKey(), Buffer.from(now, 'hex'))}}, [])).toMatch(/Invalid liveness signature/);
    h.advance(EPOCH);
    expect(refused(h, op.address, {report_liveness: {signature: signSha256(op, Buffer.from(challenge, 'hex'))}}, [])).toMatch(/Invalid liveness signature/);
    expect(refused(h, op.address, {report_liveness: {signature: 'not base64!'}}, [])).toMatch(/signature/);
  });

  it('set_accepted_measurements is admin only; the query answers the policy', () => {
    expect(h.query({accepted_measurements: {}})).toEqual({policy: null});
    expect(refused(h, stranger, {set_accepted_measurements: {policy: POLICY}}, [])).toBe('Unauthorized: only the admin can run set_accepted_measurements');
    expect(refused(h, admin, {set_accepted_measurements: {policy: {...POLICY, tdx: [{...POLICY.tdx![0]!, mrtd: 'AB'}]}}}, [])).toMatch(/mrtd/);
    h.execute(admin, {set_accepted_measurements: {policy: POLICY}});
    expect(h.query({accepted_measurements: {}})).toEqual({policy: POLICY});
    expect(newWorkerManager(admin, {accepted_measurements: POLICY}).query({accepted_measurements: {}})).toEqual({policy: POLICY});
  });
});

describe('worker-manager: queries', () => {
  it('get_registration_challenge rotates every epoch and says until when it is current', () => {
    const h = newWorkerManager(admin);
    const t0 = h.env.block.time;
    const c0 = currentChallenge(h);
    expect(c0).toEqual({challenge: expect.stringMatching(/^[0-9a-f]{64}$/), epoch: 0, valid_until: t0 + EPOCH});
    h.advance(EPOCH - 1);
    expect(currentChallenge(h).challenge).toBe(c0.challenge);
    h.advance(1);
    expect(currentChallenge(h)).toEqual({challenge: expect.not.stringMatching(c0.challenge), epoch: 1, valid_until: t0 + 2 * EPOCH, previous: c0.challenge});
    // Another deployment has other challenges.
    expect(newWorkerManager(testAddress(3)).query<WM.GetRegistrationChallengeResponse>({get_registration_challenge: {}}).challenge).not.toBe(c0.challenge);
  });

  it('get_workers pages in id order and filters by model', () => {
    const h = newWorkerManager(admin);
    for (let i = 0; i < 7; i++) registerWorker(h, newKey(), i % 2 === 0 ? ['a'] : ['a', 'b']);
    expect(workers(h, {limit: 3}).map((w) => w.id)).toEqual(['1', '2', '3']);
    expect(workers(h, {limit: 3, start_after: '3'}).map((w) => w.id)).toEqual(['4', '5', '6']);
    expect(workers(h, {start_after: '6'}).map((w) => w.id)).toEqual(['7']);
    expect(workers(h, {model: 'b'}).map((w) => w.id)).toEqual(['2', '4', '6']);
    expect(workers(h, {model: 'b', start_after: '2', limit: 1}).map((w) => w.id)).toEqual(['4']);
    expect(h.queryError({get_worker: {id: '8'}})).toBe('worker 8 not found');
  });

  it('get_next_worker needs a valid permit for this contract', () => {
    const h = newWorkerManager(admin);
    registerWorker(h, newKey(), ['m']);
    const sub = newKey();
    expect(h.queryError({get_next_worker: {model: 'm', permit: permitFor(sub, testAddress(77))}})).toMatch(/Permit doesn't apply/);
    const forged = permitFor(sub);
    forged.signature.pub_key.value = newKey().pubkeyB64;
    expect(h.queryError({get_next_worker: {model: 'm', permit: forged}})).toMatch(/Failed to verify signatures/);
    expect(h.queryError({get_next_worker: {model: 'other', permit: permitFor(sub)}})).toBe('no worker serves model other');
  });

  it('get_next_worker skips excluded and silent workers (failover), and says when none is live', () => {
    const h = newWorkerManager(admin);
    const keys = [newKey(), newKey(), newKey()];
    const ids = keys.map((k) => registerWorker(h, k, ['m']));
    const permit = permitFor(newKey());
    const first = h.query<WM.GetNextWorkerResponse>({get_next_worker: {model: 'm', permit}}).worker.id;
    const second = h.query<WM.GetNextWorkerResponse>({get_next_worker: {model: 'm', permit, exclude: [first]}}).worker.id;
    expect(second).not.toBe(first);
    const third = h.query<WM.GetNextWorkerResponse>({get_next_worker: {model: 'm', permit, exclude: [first, second]}}).worker.id;
    expect(new Set([first, second, third])).toEqual(new Set(ids));
    expect(h.queryError({get_next_worker: {model: 'm', permit, exclude: ids}})).toBe(`no live worker for model m outside ${ids.join(', ')}`);

    // Two epochs later only the worker that reported liveness is live.
    h.advance(2 * EPOCH);
    const c = currentChallenge(h).challenge;
    h.execute(keys[1]!.address, {report_liveness: {signature: signSha256(keys[1]!, Buffer.from(c, 'hex'))}});
    for (let i = 0; i < 10; i++) {
      expect(h.query<WM.GetNextWorkerResponse>({get_next_worker: {model: 'm', permit: permitFor(newKey())}}).worker.id).toBe(ids[1]);
    }
    h.advance(2 * EPOCH);
    expect(h.queryError({get_next_worker: {model: 'm', permit}})).toBe('no live worker for model m');
  });
});
