/**
 * A small test contract deployed beside the Secret AI contracts on the test devnet, as stored wasm
 * (`test/fixtures/wasm-contracts/probe`, AssemblyScript). It receives SNIP-20 `send` callbacks (only from its
 * configured token), stores key/values, echoes, and fails on request — so the chain client's behaviour (decrypted
 * data and events, contract errors in queries and txs, atomic multi-message txs, nested failures) can be checked
 * without depending on the business logic of the real contracts.
 */
import {secretAiArtifacts, secretAiGenesisSpec, type GenesisSpec, type SecretAiContracts} from '../../../src/devnet/index.js';
import {testContractWasm} from '../../devnet/wasm-fixtures.js';

export const PROBE_NAME = 'secretai-test-probe';

/** The Secret AI contracts plus the probe. */
export interface TestContracts extends SecretAiContracts {
  probe: {address: string; codeHash: string};
}

/** Genesis: the default Secret AI devnet, plus the probe (its token: the payment token). */
export async function probeGenesis(): Promise<GenesisSpec<TestContracts>> {
  const base = secretAiGenesisSpec(secretAiArtifacts());
  const probe = await testContractWasm('probe');
  return {
    ...base,
    codes: [...base.codes, {name: PROBE_NAME, wasm: probe}],
    deployments: [...base.deployments, {key: 'probe', code: PROBE_NAME, label: 'secretai-test-probe', initMsg: (ctx) => ({token: ctx.contracts.paymentToken!.address})}],
    contracts: (d) => ({...base.contracts(d), probe: d.probe!}),
  };
}
