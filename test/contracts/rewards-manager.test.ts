import {describe, expect, it} from '@jest/globals';
import {createHash} from 'node:crypto';
import {countersignUsageRecord, signUsageRecord, usagePublicKey, type SignedUsageRecord, type UsageRecord} from '../../contracts/common/usage.js';
import type * as RM from '../../contracts/rewards-manager/types.js';
import {address, signPermit} from './accounts.js';
import {ADMIN, FEE, PLAN_PRICE, REWARDS_MANAGER, RewardsChain, SUBSCRIPTION_MANAGER, TOKEN, WORKER_MANAGER, type TestWorker} from './rewards-chain.js';

const HOUR = 3600;
/** Most epochs one worker may hold weight in before they are closed (contracts/rewards-manager/README.md). */
const MAX_OPEN_EPOCHS = 8;
/** The subscriber's key handle at the SubscriptionManager (deterministic: same key hash and subscriber in every chain). */
let HANDLE = '';
const SUBSCRIBER_KEY = new Uint8Array(createHash('sha256').update('subscriber').digest());

type ReportAnswer = Extract<RM.ExecuteAnswer, {report_work: unknown}>['report_work'];
type CloseAnswer = Extract<RM.ExecuteAnswer, {close_epoch: unknown}>['close_epoch'];
type ClaimAnswer = Extract<RM.ExecuteAnswer, {claim_rewards: unknown}>['claim_rewards'];

let nextRequest = 0;
function record(w: TestWorker, input: number, output: number, epoch = 0, requestId = `req-${++nextRequest}`): UsageRecord {
  return {worker_id: w.id, key_handle: HANDLE, model: 'stories260K', request_id: requestId, input_tokens: input, output_tokens: output, epoch};
}

/** A worker-signed record countersigned by the subscriber behind {@link HANDLE}. */
async function confirmed(w: TestWorker, input: number, output: number, epoch = 0): Promise<SignedUsageRecord> {
  return countersignUsageRecord(await signUsageRecord(record(w, input, output, epoch), w.privateKey), SUBSCRIBER_KEY);
}

function report(chain: RewardsChain, w: TestWorker, records: SignedUsageRecord[]): ReportAnswer {
  return (chain.execute(REWARDS_MANAGER, w.operator, {report_work: {records}}).data as {report_work: ReportAnswer}).report_work;
}

const close = (chain: RewardsChain) => (chain.execute(REWARDS_MANAGER, ADMIN, {close_epoch: {}}).data as {close_epoch: CloseAnswer}).close_epoch;
const claim = (chain: RewardsChain, sender: string, workerId?: string) =>
  (chain.execute(REWARDS_MANAGER, sender, {claim_rewards: workerId ? {worker_id: workerId} : {}}).data as {claim_rewards: ClaimAnswer}).claim_rewards;

/** A chain where the subscriber behind {@link SUBSCRIBER_KEY} holds an API key (so has a key handle). */
function newChain(opts: ConstructorParameters<typeof RewardsChain>[0] = {}): RewardsChain {
  const chain = new RewardsChain({feeBps: 500, ...opts});
  const subscriber = chain.api.pubkeyToAddress(usagePublicKey(SUBSCRIBER_KEY));
  HANDLE = chain.createApiKey(subscriber, 'ab'.repeat(32));
  return chain;
}

describe('rewards-manager: two workers, known usage, exact payouts', () => {
  it('pays each worker its pro-rata share of revenue minus the fee, to the base unit, and the fee to the fee address', async () => {
    const chain = newChain();
    const w1 = chain.addWorker();
    const w2 = chain.addWorker();
    // weights: w1 = 100 + 4·50 = 300; w2 = 20 + 4·170 = 700 (+ a second record of 10 + 4·0 = 10)
    expect(report(chain, w1, [await confirmed(w1, 100, 50)])).toEqual({accepted: 1, rejected: 0, weight: '300', rejections: []});
    expect(report(chain, w2, [await confirmed(w2, 20, 170), await confirmed(w2, 10, 0)])).toMatchObject({accepted: 2, weight: '710'});
    chain.payRevenue(address('carol'), 1_000_003n);
    expect(chain.query(REWARDS_MANAGER, {epoch: {}})).toMatchObject({epoch: 0, revenue: '1000003', total_weight: '1010', closable: false, closed: false});

    expect(chain.executeError(REWARDS_MANAGER, ADMIN, {close_epoch: {}})).toMatch(/epoch 0 ends at \d+; block time is \d+/);
    chain.advance(HOUR);
    const closed = close(chain);
    const fee = (1_000_003n * 500n) / 10_000n; // 50 000
    const distributed = 1_000_003n - fee; // 950 003
    expect(closed).toEqual({epoch: 0, revenue: '1000003', protocol_fee: String(fee), distributed: String(distributed), total_weight: '1010'});
    expect(chain.balance(FEE)).toBe(fee);

    const s1 = (300n * distributed) / 1010n;
    const s2 = (710n * distributed) / 1010n;
    expect(claim(chain, w1.operator)).toEqual({amount: String(s1), payouts: [{worker_id: w1.id, address: w1.payout, amount: String(s1)}]});
    expect(claim(chain, w2.operator).amount).toBe(String(s2));
    expect(chain.balance(w1.payout)).toBe(s1);
    expect(chain.balance(w2.payout)).toBe(s2);
    // The dust (distributed − s1 − s2) stays for the next epoch to close; nothing else is left in the contract.
    const dust = distributed - s1 - s2;
    expect(chain.balance(REWARDS_MANAGER)).toBe(dust);
    chain.advance(HOUR);
    expect(close(chain)).toMatchObject({epoch: 1, revenue: String(dust)});
    expect(chain.query(REWARDS_MANAGER, {epoch: {id: 1}})).toMatchObject({carried_in: String(dust), closed: true});
  });

  it('pays to the current payout address; the payout address may claim too', async () => {
    const chain = newChain({feeBps: 0});
    const w = chain.addWorker({payout: address('alice')});
    report(chain, w, [await confirmed(w, 10, 0)]);
    chain.payRevenue(address('carol'), 1000n);
    chain.advance(HOUR);
    close(chain);
    chain.updateWorker(w.id, {payout_address: address('bob')});
    expect(claim(chain, address('bob'), w.id).amount).toBe('1000');
    expect(chain.balance(address('bob'))).toBe(1000n);
  });
});

describe('rewards-manager: revenue from the SubscriptionManager', () => {
  it('forwards each plan payment to the RewardsManager as revenue of the open epoch, in the same tx', async () => {
    const chain = newChain({feeBps: 0});
    const w = chain.addWorker();
    report(chain, w, [await confirmed(w, 1, 0)]);
    chain.subscribe(address('carol'));
    expect(chain.balance(SUBSCRIPTION_MANAGER)).toBe(0n);
    expect(chain.balance(REWARDS_MANAGER)).toBe(BigInt(PLAN_PRICE));
    expect(chain.query(REWARDS_MANAGER, {epoch: {}})).toMatchObject({revenue: PLAN_PRICE});
    expect(chain.query(SUBSCRIPTION_MANAGER, {revenue: {epoch: 0}})).toMatchObject({amount: PLAN_PRICE, payments: 1});
    chain.advance(HOUR);
    close(chain);
    expect(claim(chain, w.operator).amount).toBe(PLAN_PRICE);
  });

  it('refuses the plan payment whole when the RewardsManager cannot take it', () => {
    const chain = newChain();
    // The RewardsManager now expects another token, so it refuses the forwarded payment.
    chain.execute(REWARDS_MANAGER, ADMIN, {update_config: {payment_token: chain.ref(WORKER_MANAGER)}});
    chain.execute(TOKEN, ADMIN, {mint: {recipient: address('carol'), amount: PLAN_PRICE}});
    const before = chain.balances();
    const smState = chain.storage(SUBSCRIPTION_MANAGER).snapshot();
    const msg = Buffer.from(JSON.stringify({subscribe: {plan_id: 'basic'}})).toString('base64');
    expect(chain.executeError(TOKEN, address('carol'), {send: {recipient: SUBSCRIPTION_MANAGER, amount: PLAN_PRICE, msg}})).toMatch(/receive is accepted only from the payment token/);
    expect(chain.balances()).toEqual(before);
    expect(chain.storage(SUBSCRIPTION_MANAGER).snapshot()).toEqual(smState);
  });
});

describe('rewards-manager: cheating changes no balance', () => {
  async function setup() {
    const chain = newChain();
    const w1 = chain.addWorker();
    const w2 = chain.addWorker();
    report(chain, w1, [await confirmed(w1, 10, 10)]);
    return {chain, w1, w2};
  }

  it('refuses a forged record (signed by another key)', async () => {
    const {chain, w1, w2} = await setup();
    const forged = countersignUsageRecord(await signUsageRecord(record(w1, 1000, 1000), w2.privateKey), SUBSCRIBER_KEY);
    const before = chain.balances();
    const a = report(chain, w1, [await forged]);
    expect(a).toMatchObject({accepted: 0, rejected: 1, weight: '0'});
    expect(a.rejections[0]!.reason).toMatch(/worker signature does not verify/);
    expect(chain.query(REWARDS_MANAGER, {epoch: {}})).toMatchObject({total_weight: '50'});
    expect(chain.balances()).toEqual(before);
  });

  it('refuses an altered token count', async () => {
    const {chain, w1} = await setup();
    const signed = await confirmed(w1, 10, 10);
    const altered = {...signed, record: {...signed.record, output_tokens: 10_000}};
    expect(report(chain, w1, [altered]).rejections[0]!.reason).toMatch(/signature does not verify/);
    expect(chain.query(REWARDS_MANAGER, {epoch: {}})).toMatchObject({total_weight: '50'});
  });

  it('counts a replayed record once, whether replayed in a later report or in the same one', async () => {
    const {chain, w1} = await setup();
    const r = await confirmed(w1, 5, 0);
    expect(report(chain, w1, [r, r])).toMatchObject({accepted: 1, rejected: 1, weight: '5'});
    const again = report(chain, w1, [r]);
    expect(again).toMatchObject({accepted: 0, rejected: 1});
    expect(again.rejections[0]!.reason).toMatch(/already counted/);
    expect(chain.query(REWARDS_MANAGER, {epoch: {}})).toMatchObject({total_weight: '55'});
  });

  it('refuses records of a removed worker (revoked key) and of a withdrawn one', async () => {
    const {chain, w1} = await setup();
    chain.updateWorker(w1.id, {status: 'removed'});
    expect(report(chain, w1, [await confirmed(w1, 1, 1)]).rejections[0]!.reason).toMatch(/removed: its key is revoked/);
    chain.updateWorker(w1.id, {status: 'withdrawn'});
    expect(report(chain, w1, [await confirmed(w1, 1, 1)]).rejections[0]!.reason).toMatch(/withdrawn/);
  });

  it('refuses a report for a worker the sender does not operate, as a whole', async () => {
    const {chain, w1, w2} = await setup();
    const records = [await confirmed(w1, 1, 1)];
    expect(chain.executeError(REWARDS_MANAGER, w2.operator, {report_work: {records}})).toMatch(/Unauthorized: worker 1 is not operated by/);
  });

  it('refuses a countersignature that is not from the subscriber behind the key handle (the worker signing for it)', async () => {
    const {chain, w1} = await setup();
    const self = await countersignUsageRecord(await signUsageRecord(record(w1, 100, 100), w1.privateKey), w1.privateKey);
    expect(report(chain, w1, [self]).rejections[0]!.reason).toMatch(/not from the subscriber behind key handle/);
    const broken = {...(await confirmed(w1, 1, 1)), subscriber_signature: (await signUsageRecord(record(w1, 1, 1), SUBSCRIBER_KEY)).worker_signature};
    expect(report(chain, w1, [broken]).rejections[0]!.reason).toMatch(/countersignature does not verify/);
  });

  it('refuses records for a closed epoch and for an epoch not started', async () => {
    const {chain, w1} = await setup();
    expect(report(chain, w1, [await confirmed(w1, 1, 1, 1)]).rejections[0]!.reason).toMatch(/epoch 1 has not started/);
    chain.advance(HOUR);
    close(chain);
    expect(report(chain, w1, [await confirmed(w1, 1, 1, 0)]).rejections[0]!.reason).toMatch(/epoch 0 is closed/);
  });

  it('a claim by someone else is refused or pays nothing; a double claim pays nothing', async () => {
    const {chain, w1, w2} = await setup();
    chain.payRevenue(address('carol'), 10_000n);
    chain.advance(HOUR);
    close(chain);
    const before = chain.balances();
    expect(chain.executeError(REWARDS_MANAGER, w2.operator, {claim_rewards: {worker_id: w1.id}})).toMatch(/Unauthorized: .* neither the operator nor the payout address of worker 1/);
    expect(claim(chain, w2.operator)).toEqual({amount: '0', payouts: []});
    expect(claim(chain, address('bob'))).toEqual({amount: '0', payouts: []});
    expect(chain.balances()).toEqual(before);
    expect(claim(chain, w1.operator).amount).toBe('9500');
    const after = chain.balances();
    expect(claim(chain, w1.operator)).toEqual({amount: '0', payouts: []});
    expect(chain.balances()).toEqual(after);
  });

  it('accepts revenue only from the payment token, and only for an open epoch', () => {
    const chain = newChain();
    const fake = {receive: {sender: ADMIN, from: ADMIN, amount: '100', msg: Buffer.from('{"revenue":{}}').toString('base64')}};
    expect(chain.executeError(REWARDS_MANAGER, ADMIN, fake)).toMatch(/receive is accepted only from the payment token/);
    expect(() => chain.payRevenue(address('carol'), 5n, 3)).toThrow(/revenue for epoch 3 cannot be accepted/);
    expect(chain.balance(REWARDS_MANAGER)).toBe(0n);
  });
});

describe('rewards-manager: caps, uptime and the remainder rule', () => {
  it('counts worker-only records up to the per-epoch cap', async () => {
    const chain = newChain({cap: '100'});
    const w = chain.addWorker();
    const only = (i: number, o: number) => signUsageRecord(record(w, i, o), w.privateKey);
    expect(report(chain, w, [await only(40, 10), await only(40, 0), await only(100, 0)])).toMatchObject({accepted: 3, weight: '100'});
    expect(report(chain, w, [await only(1, 0), await confirmed(w, 7, 0)])).toMatchObject({accepted: 2, weight: '7'});
    const permit = await signPermit('alice', 'p', [REWARDS_MANAGER], ['balance']);
    chain.updateWorker(w.id, {payout_address: address('alice')});
    expect(chain.query(REWARDS_MANAGER, {worker_usage: {worker_id: w.id, permit}})).toEqual({
      worker_id: w.id, epoch: 0, records: 5, weight: '107', confirmed_weight: '7', unconfirmed_weight: '100', up: true, reward: null,
    });
  });

  it('shares integer dust by carrying it into the next epoch once every worker settled', async () => {
    const chain = newChain({feeBps: 0});
    const ws = [chain.addWorker(), chain.addWorker(), chain.addWorker()];
    for (const w of ws) report(chain, w, [await confirmed(w, 1, 0)]);
    chain.payRevenue(address('carol'), 10n);
    chain.advance(HOUR);
    close(chain);
    expect(claim(chain, ws[0]!.operator).amount).toBe('3');
    expect(claim(chain, ws[1]!.operator).amount).toBe('3');
    chain.advance(HOUR);
    expect(close(chain)).toMatchObject({epoch: 1, revenue: '0'}); // the third has not settled: dust not known yet
    expect(claim(chain, ws[2]!.operator).amount).toBe('3');
    chain.advance(HOUR);
    expect(close(chain)).toMatchObject({epoch: 2, revenue: '1', distributed: '0'}); // no weight in epoch 2: carried on
    expect(chain.balance(REWARDS_MANAGER)).toBe(1n);
  });

  it('pays the uptime pool equally to workers live in the epoch; its dust is carried', async () => {
    const chain = newChain({feeBps: 1000, uptimeBps: 5000});
    const up1 = chain.addWorker();
    const up2 = chain.addWorker();
    const down = chain.addWorker();
    chain.advance(HOUR);
    chain.updateWorker(up1.id, {last_liveness_at: chain.block.time});
    chain.updateWorker(up2.id, {last_liveness_at: chain.block.time});
    for (const w of [up1, up2, down]) report(chain, w, [await confirmed(w, 10, 0, 1)]);
    expect(chain.query(REWARDS_MANAGER, {epoch: {}})).toMatchObject({epoch: 1, workers_up: 2});
    chain.advance(1);
    close(chain); // epoch 0: nothing
    chain.payRevenue(address('carol'), 10_001n, 1);
    chain.advance(HOUR);
    // fee 1000 (of 10 001): uptime pool 500 → 250 each to up1, up2; 500 to the fee address; 9001 by weight (3000 each, 1 dust)
    expect(close(chain)).toMatchObject({epoch: 1, protocol_fee: '500', distributed: '9001'});
    expect(chain.balance(FEE)).toBe(500n);
    expect(claim(chain, up1.operator).amount).toBe('3250');
    expect(claim(chain, up2.operator).amount).toBe('3250');
    expect(claim(chain, down.operator).amount).toBe('3000');
    expect(chain.balance(REWARDS_MANAGER)).toBe(1n);
  });

  it('settles lazily: a worker holds at most a few open epochs and claims 100 epochs at once', async () => {
    const chain = newChain({feeBps: 0});
    const w = chain.addWorker();
    for (let e = 0; e < 100; e++) {
      report(chain, w, [await confirmed(w, 1, 0, e)]);
      chain.payRevenue(address('carol'), 7n);
      chain.advance(HOUR);
      close(chain);
    }
    expect(claim(chain, w.operator).amount).toBe('700');
    // Open epochs are bounded: without closes, the (MAX_OPEN_EPOCHS + 1)-th epoch with weight is refused.
    for (let i = 0; i < MAX_OPEN_EPOCHS; i++) {
      report(chain, w, [await confirmed(w, 1, 0, 100 + i)]);
      chain.advance(HOUR);
    }
    expect(report(chain, w, [await confirmed(w, 1, 0, 100 + MAX_OPEN_EPOCHS)]).rejections[0]!.reason).toMatch(/open epochs: close epoch 100 first/);
  });

  it('accepts a report of 1,000 records in one message', async () => {
    const chain = newChain();
    const w = chain.addWorker();
    const records = await Promise.all(Array.from({length: 1000}, () => signUsageRecord(record(w, 3, 1), w.privateKey)));
    chain.execute(REWARDS_MANAGER, ADMIN, {update_config: {unconfirmed_weight_cap: '1000000'}});
    expect(report(chain, w, records)).toMatchObject({accepted: 1000, rejected: 0, weight: '7000'});
  });
});

describe('rewards-manager: queries and config', () => {
  it('answers pending_rewards for the operator or payout address only', async () => {
    const chain = newChain({feeBps: 0});
    const w = chain.addWorker({payout: address('alice')});
    report(chain, w, [await confirmed(w, 10, 0)]);
    const alice = await signPermit('alice', 'p', [REWARDS_MANAGER], ['balance']);
    const bob = await signPermit('bob', 'p', [REWARDS_MANAGER], ['balance']);
    expect(chain.query(REWARDS_MANAGER, {pending_rewards: {permit: alice}})).toEqual({
      pending: '0', unsettled_weight: '10', claimed: '0', workers: [{worker_id: w.id, pending: '0', unsettled_weight: '10', claimed: '0'}],
    });
    chain.payRevenue(address('carol'), 99n);
    chain.advance(HOUR);
    close(chain);
    expect(chain.query(REWARDS_MANAGER, {pending_rewards: {permit: alice}})).toMatchObject({pending: '99', unsettled_weight: '0'});
    expect(chain.query(REWARDS_MANAGER, {pending_rewards: {permit: bob}})).toEqual({pending: '0', unsettled_weight: '0', claimed: '0', workers: []});
    expect(() => chain.query(REWARDS_MANAGER, {worker_usage: {worker_id: w.id, permit: bob}})).toThrow(/neither the operator nor the payout address/);
    claim(chain, address('alice'));
    expect(chain.query(REWARDS_MANAGER, {pending_rewards: {permit: alice}})).toMatchObject({pending: '0', claimed: '99'});
    expect(chain.query(REWARDS_MANAGER, {worker_usage: {worker_id: w.id, epoch: 0, permit: alice}})).toMatchObject({reward: '99'});
  });

  it('takes its epoch clock from the WorkerManager and keeps the epoch length fixed', () => {
    const chain = newChain();
    const wm = chain.query<{epoch: number; valid_until: number}>(WORKER_MANAGER, {get_registration_challenge: {}});
    expect(chain.query(REWARDS_MANAGER, {epoch: {}})).toMatchObject({epoch: wm.epoch, ends_at: wm.valid_until});
    expect(chain.executeError(REWARDS_MANAGER, ADMIN, {update_config: {epoch_seconds: 60}})).toMatch(/epoch_seconds is fixed/);
  });
});
