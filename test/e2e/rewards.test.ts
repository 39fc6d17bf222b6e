import {afterAll, beforeAll, describe, expect, it} from '@jest/globals';
import {mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {SecretNetworkClient, Wallet} from 'secretjs';
import {signUsageRecord, type UsageRecord} from '../../contracts/common/usage.js';
import {runCli, tempHome} from '../helpers/cli.js';

// Usage → rewards end to end through the binary on a detached devnet: two registered workers, known usage in the
// gateway's log format, revenue paid into the RewardsManager, `worker report`, `devnet advance`, `epoch close`,
// `rewards show|claim`; the payout addresses receive exactly the weight rule's amounts. The usage records are signed
// here with the usage module and the workers' keys, in the gateway's documented log format, so the amounts are
// exact whatever the model writes (the demo and the chat test cover records made by the gateway itself); they are
// worker-only records, counted up to the devnet's per-epoch cap.
const home = tempHome('secretai-rewards-e2e-');
const base = ['--home', home];
const EPOCH_SECONDS = 3600;
const FEE_BPS = 500n;
const REVENUE = 1_000_003n;
const HANDLE = 'cd'.repeat(32);

interface Contracts {
  paymentToken: {address: string; codeHash: string};
  rewardsManager: {address: string; codeHash: string};
}
let url = '';
let chainId = '';
let contracts: Contracts;
const mnemonics: Record<string, string> = {};
const addresses: Record<string, string> = {};
const workerIds: Record<string, string> = {};

async function cli(args: string[]): Promise<unknown> {
  const r = await runCli([...args, '--json', ...base], {timeoutMs: 60_000});
  if (r.code !== 0) throw new Error(`${args.join(' ')} exited ${r.code}: ${r.stdout} ${r.stderr}`);
  return JSON.parse(r.stdout);
}

function client(name: string): SecretNetworkClient {
  const wallet = new Wallet(mnemonics[name]!);
  return new SecretNetworkClient({url, chainId, wallet, walletAddress: wallet.address});
}

async function tokenBalance(name: string): Promise<bigint> {
  const c = client(name);
  const token = contracts.paymentToken;
  const permit = await c.utils.accessControl.permit.sign(addresses[name]!, chainId, 'balance', [token.address], ['balance'], false);
  const r = (await c.query.snip20.getBalance({contract: {address: token.address, code_hash: token.codeHash}, address: addresses[name]!, auth: {permit}})) as {balance: {amount: string}};
  return BigInt(r.balance.amount);
}

/** Appends gateway-format lines to the worker's pending log. */
async function logRecords(op: string, records: Array<{input: number; output: number; id: string; signer?: string}>, epoch: number): Promise<void> {
  const dir = path.join(home, 'worker', 'usage', addresses[op]!);
  mkdirSync(dir, {recursive: true});
  let text = '';
  for (const r of records) {
    const record: UsageRecord = {worker_id: workerIds[op]!, key_handle: HANDLE, model: 'stories260K', request_id: r.id, input_tokens: r.input, output_tokens: r.output, epoch};
    const key = new Wallet(mnemonics[r.signer ?? op]!).privateKey;
    const signed = await signUsageRecord(record, key);
    text += `${JSON.stringify({...signed, issued_at: 0, outcome: 'completed'})}\n`;
  }
  writeFileSync(path.join(dir, 'pending.jsonl'), text, {flag: 'a'});
}

beforeAll(async () => {
  const start = (await cli(['devnet', 'start', '--detach', '--port', '0'])) as {url: string; chainId: string; contracts: Contracts};
  url = start.url;
  chainId = start.chainId;
  contracts = start.contracts;
  for (const name of ['op1', 'op2', 'payer', 'pay1', 'pay2']) {
    const k = (await cli(['keys', 'add', name, '--keyring-backend', 'test'])) as {address: string; mnemonic: string};
    mnemonics[name] = k.mnemonic;
    addresses[name] = k.address;
  }
  for (const name of ['op1', 'op2', 'payer']) await cli(['devnet', 'fund', name, '--scrt', '100scrt', '--token', String(REVENUE)]);
  let port = 21_501;
  for (const [op, payout] of [['op1', 'pay1'], ['op2', 'pay2']] as const) {
    const bundle = path.join(home, `${op}-attestation.json`);
    await cli(['attest', 'collect', '--dev', '--out', bundle, '--from', op]);
    const r = (await cli(['worker', 'register', '--url', `https://127.0.0.1:${port++}`, '--model', 'stories260K', '--attestation', bundle, '--payout', addresses[payout]!, '--stake', '1000000', '--from', op])) as {workerId: string};
    workerIds[op] = r.workerId;
  }
}, 600_000);

afterAll(async () => {
  await runCli(['devnet', 'stop', ...base]);
});

describe('usage → epoch close → rewards claim on a devnet', () => {
  // Weights (input + 4 × output): op1 = (100 + 4·50) + (7 + 4·0) = 307; op2 = 20 + 4·170 = 700.
  const w1 = 307n;
  const w2 = 700n;
  const fee = (REVENUE * FEE_BPS) / 10_000n;
  const distributed = REVENUE - fee;
  const share1 = (w1 * distributed) / (w1 + w2);
  const share2 = (w2 * distributed) / (w1 + w2);
  let epoch = 0;

  it('epoch status shows the open epoch', async () => {
    const s = (await cli(['epoch', 'status'])) as {epoch: number; startsAt: number; endsAt: number; revenue: string; closable: boolean};
    expect(s).toMatchObject({revenue: '0', closable: false});
    expect(s.endsAt - s.startsAt).toBe(EPOCH_SECONDS);
    epoch = s.epoch;
  });

  it('worker report submits the pending records once; a forged one is refused and leaves the log', async () => {
    await logRecords('op1', [{input: 100, output: 50, id: 'a-1'}, {input: 7, output: 0, id: 'a-2'}, {input: 9999, output: 9999, id: 'a-forged', signer: 'op2'}], epoch);
    await logRecords('op2', [{input: 20, output: 170, id: 'b-1'}], epoch);
    const r1 = (await cli(['worker', 'report', '--from', 'op1'])) as {records: number; accepted: number; rejected: number; weight: string; txHash: string; rejections: Array<{requestId: string; reason: string}>};
    expect(r1).toMatchObject({records: 3, accepted: 2, rejected: 1, weight: String(w1), txHash: expect.stringMatching(/^[0-9A-F]{64}$/)});
    expect(r1.rejections).toEqual([{requestId: 'a-forged', reason: expect.stringMatching(/worker signature does not verify/)}]);
    const reported = readFileSync(path.join(home, 'worker', 'usage', addresses.op1!, 'reported.jsonl'), 'utf8').trim().split('\n');
    expect(reported).toHaveLength(3);
    // Idempotent: nothing left to report.
    expect(await cli(['worker', 'report', '--from', 'op1'])).toMatchObject({records: 0, txHash: null});
    expect(await cli(['worker', 'report', '--from', 'op2'])).toMatchObject({records: 1, accepted: 1, weight: String(w2)});
  });

  it('a record resent after its commit is counted once (the log lost its reported line)', async () => {
    writeFileSync(path.join(home, 'worker', 'usage', addresses.op2!, 'reported.jsonl'), '');
    const again = (await cli(['worker', 'report', '--from', 'op2'])) as {accepted: number; rejected: number; weight: string};
    expect(again).toMatchObject({accepted: 0, rejected: 1, weight: '0'});
  });

  it('revenue paid into the RewardsManager is shared after epoch close, to the base unit', async () => {
    const payer = client('payer');
    const rm = contracts.rewardsManager;
    const tx = await payer.tx.snip20.send(
      {sender: addresses.payer!, contract_address: contracts.paymentToken.address, code_hash: contracts.paymentToken.codeHash,
        // secretjs's type lacks `recipient_code_hash`, which the token needs to call the RewardsManager back.
        msg: {send: {recipient: rm.address, recipient_code_hash: rm.codeHash, amount: String(REVENUE), msg: Buffer.from(JSON.stringify({revenue: {}})).toString('base64')}} as never},
      {gasLimit: 800_000},
    );
    expect(tx.code).toBe(0);
    expect(await cli(['epoch', 'status'])).toMatchObject({epoch, revenue: String(REVENUE), totalWeight: String(w1 + w2)});

    const early = await runCli(['epoch', 'close', '--from', 'payer', '--json', ...base]);
    expect(early.code).toBe(1);
    await cli(['devnet', 'advance', '--seconds', String(EPOCH_SECONDS)]);
    expect(await cli(['epoch', 'close', '--from', 'payer'])).toMatchObject({epoch, revenue: String(REVENUE), protocolFee: String(fee), distributed: String(distributed), closed: true});

    expect(await cli(['rewards', 'show', '--from', 'op1'])).toMatchObject({pending: String(share1), claimed: '0'});
    expect(await cli(['rewards', 'show', '--from', 'pay2'])).toMatchObject({pending: String(share2)});
    expect(await cli(['rewards', 'claim', '--from', 'op1'])).toMatchObject({amount: String(share1), txHash: expect.any(String)});
    expect(await cli(['rewards', 'claim', '--from', 'op2'])).toMatchObject({amount: String(share2), payouts: [{workerId: workerIds.op2, address: addresses.pay2, amount: String(share2)}]});
    expect(await tokenBalance('pay1')).toBe(share1);
    expect(await tokenBalance('pay2')).toBe(share2);

    // A double claim and a claim by someone else pay nothing.
    expect(await cli(['rewards', 'claim', '--from', 'op1'])).toMatchObject({amount: '0'});
    expect(await cli(['rewards', 'claim', '--from', 'payer'])).toMatchObject({amount: '0'});
    const other = await runCli(['rewards', 'claim', '--from', 'op2', '--worker', workerIds.op1!, '--json', ...base]);
    expect(other.code).toBe(1);
    expect(await tokenBalance('pay1')).toBe(share1);
    expect(await cli(['rewards', 'show', '--from', 'op1'])).toMatchObject({pending: '0', claimed: String(share1)});
  });
});
