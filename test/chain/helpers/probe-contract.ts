/**
 * A small test contract deployed beside the Secret AI contracts on the test devnet. It receives SNIP-20 `send`
 * callbacks (only from its configured token), stores key/values, echoes, and fails on request — so the chain client's
 * behaviour (decrypted data and events, contract errors in queries and txs, atomic multi-message txs, nested
 * failures) can be checked without depending on the business logic of the real contracts.
 */
import {contractCodeHash} from '../../../contracts/common/codehash.js';
import {ContractError, response, type Contract, type Response} from '../../../contracts/common/types.js';
import {CONTRACTS, codeHashOf} from '../../../contracts/index.js';
import type {ContractRegistry} from '../../../src/devnet/node/index.js';
import {secretAiGenesisSpec, type GenesisSpec, type SecretAiContracts} from '../../../src/devnet/index.js';

export const PROBE_NAME = 'secretai-test-probe';
export const PROBE_VERSION = '1.0.0';

type ProbeExecute =
  | {receive: {sender: string; from: string; amount: string; memo?: string; msg?: string | null}}
  | {set: {key: string; value: string}}
  | {fail: {reason: string}}
  | {echo: {value: string}};

type ProbeQuery = {get: {key: string}} | {received: {address: string}} | {fail: {reason: string}} | {echo: {value: string}};

function one<M extends object>(msg: M): [string, Record<string, unknown>] {
  const [k] = Object.keys(msg);
  return [k!, (msg as Record<string, Record<string, unknown>>)[k!]!];
}

export const probe: Contract<{token: string}, ProbeExecute, ProbeQuery> = {
  name: PROBE_NAME,
  version: PROBE_VERSION,
  instantiate(deps, _env, _info, msg) {
    deps.storage.set('token', msg.token);
    return response();
  },
  execute(deps, _env, info, msg): Response {
    const [kind, body] = one(msg);
    switch (kind) {
      case 'receive': {
        if (info.sender !== deps.storage.get<string>('token')) throw new ContractError('receive is accepted only from the token');
        const inner = body.msg ? (JSON.parse(Buffer.from(String(body.msg), 'base64').toString('utf8')) as Record<string, {reason?: string}>) : null;
        if (inner && 'fail' in inner) throw new ContractError(`receiver refused: ${inner.fail?.reason ?? ''}`);
        const from = String(body.from);
        const total = BigInt(deps.storage.get<string>(`received:${from}`) ?? '0') + BigInt(String(body.amount));
        deps.storage.set(`received:${from}`, total.toString());
        deps.storage.set('last_msg', inner);
        return {data: {receive: {status: 'success'}}, attributes: [{key: 'received', value: String(body.amount)}], messages: []};
      }
      case 'set':
        deps.storage.set(`kv:${String(body.key)}`, String(body.value));
        return {data: {set: {status: 'success'}}, attributes: [{key: 'set', value: String(body.key)}], messages: []};
      case 'fail':
        throw new ContractError(String(body.reason));
      case 'echo':
        return {
          data: {echo: body.value},
          attributes: [
            {key: 'echo', value: String(body.value)},
            {key: 'public_echo', value: String(body.value), plaintext: true},
          ],
          messages: [],
        };
      default:
        throw new ContractError(`unknown message ${kind}`);
    }
  },
  query(deps, _env, msg) {
    const [kind, body] = one(msg);
    switch (kind) {
      case 'get':
        return {value: deps.storage.get<string>(`kv:${String(body.key)}`) ?? null};
      case 'received':
        return {amount: deps.storage.get<string>(`received:${String(body.address)}`) ?? '0', last_msg: deps.storage.get('last_msg') ?? null};
      case 'fail':
        throw new ContractError(String(body.reason));
      case 'echo':
        return {echo: body.value};
      default:
        throw new ContractError(`unknown query ${kind}`);
    }
  },
};

/** The Secret AI contracts plus the probe. */
export interface TestContracts extends SecretAiContracts {
  probe: {address: string; codeHash: string};
}

/** Genesis: the default Secret AI devnet, plus the probe (its token: the payment token). */
export function probeGenesis(): GenesisSpec<TestContracts> {
  const registry: ContractRegistry = {
    contracts: {...CONTRACTS, [PROBE_NAME]: probe as Contract},
    codeHashOf: (name) => (name === PROBE_NAME ? contractCodeHash(PROBE_NAME, PROBE_VERSION) : codeHashOf(name)),
  };
  const base = secretAiGenesisSpec(registry);
  return {
    ...base,
    deployments: [...base.deployments, {key: 'probe', code: PROBE_NAME, label: 'secretai-test-probe', initMsg: (ctx) => ({token: ctx.contracts.paymentToken!.address})}],
    contracts: (d) => ({...base.contracts(d), probe: d.probe!}),
  };
}
