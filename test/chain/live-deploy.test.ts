/**
 * Deploys the three managers to the real pulsar-3 testnet, only when a funded key is given (network access and
 * testnet gas; never part of normal or CI runs):
 *   SECRETAI_LIVE_DEPLOY_MNEMONIC   mnemonic of a pulsar-3 account with enough SCRT for three uploads
 *   SECRETAI_LIVE_DEPLOY_TOKEN      address of a SNIP-20 on pulsar-3 to use as the payment token
 * The same key and token resume the same deployment (stored code found by hash, contracts by label), so running
 * it again costs only queries. Each manager's `config` must name the admin, the token and the other two managers.
 */
import {describe, expect, it} from '@jest/globals';
import {signingClient} from '../../src/lib/chain/client.js';
import {BUILTIN_PROFILES} from '../../src/lib/config/index.js';
import {packageRoot, readArtifact} from '../../src/lib/contracts/artifacts.js';
import {deployManagers} from '../../src/lib/contracts/deploy.js';
import {managerLinks, MANAGERS, networkManagerSettings, type ManagerKey} from '../../src/lib/contracts/managers.js';
import {chainDeployTarget} from '../../src/lib/contracts/service.js';

const mnemonic = process.env.SECRETAI_LIVE_DEPLOY_MNEMONIC;
const token = process.env.SECRETAI_LIVE_DEPLOY_TOKEN;
const live = Boolean(mnemonic && token);
if (!live) process.stderr.write('SKIPPED: live pulsar-3 deploy (set SECRETAI_LIVE_DEPLOY_MNEMONIC and SECRETAI_LIVE_DEPLOY_TOKEN to run it)\n');

(live ? describe : describe.skip)('contracts deploy to pulsar-3 (live)', () => {
  it('stores, instantiates and wires the managers; their config queries name each other', async () => {
    const profile = {...BUILTIN_PROFILES['pulsar-3']!};
    const signer = await signingClient(profile, mnemonic!);
    const root = packageRoot();
    const code = Object.fromEntries(MANAGERS.map(({key, code: name}) => {
      const a = readArtifact(root, name);
      return [key, {wasm: a.wasm, codeHash: a.codeHash}];
    })) as Record<ManagerKey, {wasm: Uint8Array; codeHash: string}>;
    const steps: string[] = [];
    const chain = await chainDeployTarget(signer);
    const r = await deployManagers(chain, {code, paymentToken: token!, settings: networkManagerSettings()}, (s) => steps.push(`${s.step} ${s.contract} ${s.status}`));
    expect(steps).toHaveLength(9);
    for (const {key} of MANAGERS) {
      const c = r.contracts[key];
      expect(c.codeHash).toBe(code[key].codeHash);
      const config = await chain.managerConfig(key, c);
      expect(config).toMatchObject({admin: signer.address, payment_token: {address: token, code_hash: r.paymentToken.codeHash}});
      for (const {field, target} of managerLinks(key)) {
        expect(config[field]).toEqual({address: r.contracts[target].address, code_hash: r.contracts[target].codeHash});
      }
    }
    // A second run resumes: only lookups, no tx.
    const again = await deployManagers(chain, {code, paymentToken: token!, settings: networkManagerSettings()});
    expect(again.steps.every((s) => s.status === 'found')).toBe(true);
  }, 15 * 60_000);
});
