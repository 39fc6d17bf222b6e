/**
 * The deploy steps over the real chain layer against an in-process devnet: codes found by hash among the devnet's
 * stored codes, instantiation (MsgInstantiateContract through secretjs), labels, `config` and `update_config`.
 * Uploading (MsgStoreCode) is left out: the code given here is the devnet's own, so it is found, not stored.
 */
import {afterAll, beforeAll, describe, expect, it} from '@jest/globals';
import {mkdtempSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {startDevnet, type DevnetHandle} from '../../src/devnet/index.js';
import {clientsFor, signingClient, type SigningClient} from '../../src/lib/chain/index.js';
import {contractByLabel, findCodeByHash, listCodes} from '../../src/lib/chain/code.js';
import {BUILTIN_PROFILES, type NetworkProfile} from '../../src/lib/config/index.js';
import {deployManagers, type DeployInput} from '../../src/lib/contracts/deploy.js';
import {devnetManagerSettings, MANAGERS} from '../../src/lib/contracts/managers.js';
import {chainDeployTarget} from '../../src/lib/contracts/service.js';

let home: string;
let devnet: DevnetHandle;
let profile: NetworkProfile;
let signer: SigningClient;
let input: DeployInput;

beforeAll(async () => {
  home = mkdtempSync(path.join(os.tmpdir(), 'secretai-deploy-'));
  devnet = await startDevnet({home, port: 0});
  profile = {...BUILTIN_PROFILES.local, lcdUrl: devnet.url};
  signer = await signingClient(profile, devnet.accounts.find((a) => a.name === 'b')!.mnemonic);
  const code = {} as DeployInput['code'];
  for (const m of MANAGERS) code[m.key] = {wasm: new Uint8Array(0), codeHash: devnet.genesis.codes.find((c) => c.name === m.code)!.codeHash};
  input = {code, paymentToken: devnet.contracts.paymentToken.address, settings: devnetManagerSettings(), labelPrefix: 'test'};
});

afterAll(async () => {
  await devnet?.stop();
  if (home) rmSync(home, {recursive: true, force: true});
});

describe('deploy over the chain layer on a devnet', () => {
  it('lists the stored codes and finds one by hash; an unknown label is null', async () => {
    const codes = await listCodes(signer);
    expect(codes.map((c) => c.codeId)).toEqual(devnet.genesis.codes.map((c) => c.codeId));
    const wm = devnet.genesis.codes.find((c) => c.name === 'worker-manager')!;
    expect(await findCodeByHash(signer, wm.codeHash)).toMatchObject({codeId: wm.codeId, codeHash: wm.codeHash});
    expect(await findCodeByHash(signer, '00'.repeat(32))).toBeNull();
    expect(await contractByLabel(signer, 'no-such-label')).toBeNull();
    expect(await contractByLabel(signer, 'secretai-worker-manager')).toMatchObject({address: devnet.contracts.workerManager.address, codeId: wm.codeId});
  });

  it('instantiates and links a second set of managers, which then answer as configured; a rerun sends nothing', async () => {
    const chain = await chainDeployTarget(signer);
    const r = await deployManagers(chain, input);
    expect(r.steps.map((s) => `${s.step} ${s.contract} ${s.status}`)).toEqual([
      'store workerManager found',
      'store subscriptionManager found',
      'store rewardsManager found',
      'instantiate workerManager done',
      'instantiate subscriptionManager done',
      'instantiate rewardsManager done',
      'wire workerManager done',
      'wire subscriptionManager done',
      'wire rewardsManager found',
    ]);
    expect(r.contracts.workerManager.address).not.toBe(devnet.contracts.workerManager.address);
    const clients = clientsFor({...profile, contracts: {...r.contracts, paymentToken: r.paymentToken}});
    const wm = await clients.workerManager.config();
    expect(wm).toMatchObject({
      admin: signer.address,
      subscription_manager: {address: r.contracts.subscriptionManager.address, code_hash: r.contracts.subscriptionManager.codeHash},
      rewards_manager: {address: r.contracts.rewardsManager.address, code_hash: r.contracts.rewardsManager.codeHash},
      payment_token: {address: devnet.contracts.paymentToken.address},
    });
    expect(await clients.subscriptionManager.plans()).toEqual([expect.objectContaining({id: 'basic'})]);
    expect((await clients.rewardsManager.config()).worker_manager).toEqual({address: r.contracts.workerManager.address, code_hash: r.contracts.workerManager.codeHash});

    const again = await deployManagers(chain, input);
    expect(again.steps.every((s) => s.status === 'found')).toBe(true);
    expect(again.contracts).toEqual(r.contracts);
  });
});
