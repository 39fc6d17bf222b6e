/**
 * Small contracts for devnet tests (independent of the Secret AI contracts): an echo contract that can also store,
 * pay, call and receive, and a tiny token with `send` → `receive`. Also a test genesis and helpers to start a devnet
 * in a temporary home. This module is also loaded by the detached devnet (`--genesis-module`) in the crash tests.
 */
import {createHash} from 'node:crypto';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {ContractError, response, type Contract, type Response} from '../../contracts/common/types.js';
import type {ContractRegistry} from '../../src/devnet/node/index.js';
import type {GenesisSpec} from '../../src/devnet/genesis.js';
import type {ContractRef} from '../../src/devnet/signer.js';

type Json = Record<string, any>;

function variant(msg: unknown): [string, Json] {
  if (!msg || typeof msg !== 'object') throw new ContractError('message must be an object');
  const keys = Object.keys(msg);
  if (keys.length !== 1) throw new ContractError('message must have exactly one variant');
  return [keys[0]!, (msg as Json)[keys[0]!] ?? {}];
}

/**
 * Echo: `echo` (data + encrypted and plaintext attributes), `set`, `fail`, `pay` (bank_send), `call` (wasm_execute),
 * `receive` (token callback; fails when the inner msg asks to), queries `get`, `count`, `env`, `fail`, `query_other`.
 */
export const echoContract: Contract = {
  name: 'echo',
  version: '1.0.0',
  instantiate(deps, _env, info, msg) {
    const m = (msg ?? {}) as Json;
    deps.storage.set('owner', info.sender);
    deps.storage.set('greeting', m.greeting ?? 'hello');
    deps.storage.set('count', 0);
    const r = response({initialized: true, greeting: m.greeting ?? 'hello'});
    r.attributes.push({key: 'init', value: 'yes'});
    return r;
  },
  execute(deps, env, info, msg) {
    const [name, body] = variant(msg);
    const count = (deps.storage.get<number>('count') ?? 0) + 1;
    deps.storage.set('count', count);
    switch (name) {
      case 'echo': {
        const r: Response = response({echo: body.value, count, sender: info.sender, funds: info.funds});
        r.attributes.push({key: 'echoed', value: String(body.value)});
        r.attributes.push({key: 'plain', value: 'visible', plaintext: true});
        return r;
      }
      case 'set':
        deps.storage.set(`kv/${body.key}`, body.value);
        return response({set: body.key});
      case 'fail':
        throw new ContractError(String(body.reason));
      case 'pay':
        return {data: {paid: body.amount}, attributes: [], messages: [{bank_send: {to_address: body.to, amount: [{denom: 'uscrt', amount: String(body.amount)}]}}]};
      case 'call':
        return {
          data: {called: body.contract},
          attributes: [{key: 'caller', value: env.contract.address}],
          messages: [{wasm_execute: {contract_addr: body.contract, code_hash: body.code_hash, msg: body.msg, funds: body.funds ?? []}}],
        };
      case 'receive': {
        const inner = body.msg ? JSON.parse(Buffer.from(String(body.msg), 'base64').toString('utf8')) : {};
        if (inner.fail) throw new ContractError(`receiver rejects: ${inner.fail}`);
        const total = BigInt(deps.storage.get<string>(`received/${body.from}`) ?? '0') + BigInt(body.amount);
        deps.storage.set(`received/${body.from}`, total.toString());
        deps.storage.set('last_token', info.sender);
        const r = response({received: body.amount});
        r.attributes.push({key: 'received_from', value: String(body.from)});
        return r;
      }
      default:
        throw new ContractError(`unknown variant ${name}`);
    }
  },
  query(deps, env, msg) {
    const [name, body] = variant(msg);
    switch (name) {
      case 'get':
        return {value: deps.storage.get(`kv/${body.key}`) ?? null};
      case 'count':
        return {count: deps.storage.get<number>('count') ?? 0};
      case 'received':
        return {amount: deps.storage.get<string>(`received/${body.from}`) ?? '0', token: deps.storage.get('last_token') ?? null};
      case 'env':
        return {height: env.block.height, time: env.block.time, chain_id: env.block.chain_id, address: env.contract.address};
      case 'list':
        return {entries: deps.storage.range(String(body.prefix ?? ''), {startAfter: body.start_after, limit: body.limit})};
      case 'fail':
        throw new ContractError(String(body.reason));
      case 'query_other':
        return {other: deps.querier.queryContract(body.contract, body.code_hash, body.msg)};
      default:
        throw new ContractError(`unknown query ${name}`);
    }
  },
};

/** Tiny token: `transfer`, `send` (→ `receive` on the recipient), `mint` (by the instantiator); query `balance`. */
export const tokenContract: Contract = {
  name: 'token',
  version: '1.0.0',
  instantiate(deps, _env, info, msg) {
    const m = (msg ?? {}) as Json;
    deps.storage.set('minter', info.sender);
    for (const b of (m.initial ?? []) as Array<{address: string; amount: string}>) deps.storage.set(`bal/${b.address}`, b.amount);
    return response();
  },
  execute(deps, env, info, msg) {
    const [name, body] = variant(msg);
    const move = (from: string, to: string, amount: string) => {
      if (!/^[0-9]+$/.test(String(amount))) throw new ContractError('amount must be a decimal string');
      const have = BigInt(deps.storage.get<string>(`bal/${from}`) ?? '0');
      if (have < BigInt(amount)) throw new ContractError(`insufficient funds: balance=${have}, required=${amount}`);
      deps.storage.set(`bal/${from}`, (have - BigInt(amount)).toString());
      deps.storage.set(`bal/${to}`, (BigInt(deps.storage.get<string>(`bal/${to}`) ?? '0') + BigInt(amount)).toString());
    };
    switch (name) {
      case 'transfer': {
        if (!deps.api.addrValidate(body.recipient)) throw new ContractError(`invalid recipient ${body.recipient}`);
        move(info.sender, body.recipient, body.amount);
        const r = response({transfer: {status: 'success'}});
        r.attributes.push({key: 'amount', value: String(body.amount)});
        return r;
      }
      case 'send': {
        move(info.sender, body.recipient, body.amount);
        const r = response({send: {status: 'success'}});
        r.attributes.push({key: 'sent', value: String(body.amount)});
        if (body.recipient_code_hash) {
          r.messages.push({
            wasm_execute: {
              contract_addr: body.recipient,
              code_hash: body.recipient_code_hash,
              msg: {receive: {sender: info.sender, from: info.sender, amount: body.amount, msg: body.msg ?? null}},
              funds: [],
            },
          });
        }
        return r;
      }
      case 'mint': {
        if (info.sender !== deps.storage.get('minter')) throw new ContractError('only the minter may mint');
        deps.storage.set(`bal/${body.recipient}`, (BigInt(deps.storage.get<string>(`bal/${body.recipient}`) ?? '0') + BigInt(body.amount)).toString());
        return response({mint: {status: 'success'}});
      }
      default:
        void env;
        throw new ContractError(`unknown variant ${name}`);
    }
  },
  query(deps, _env, msg) {
    const [name, body] = variant(msg);
    if (name === 'balance') return {balance: {amount: deps.storage.get<string>(`bal/${body.address}`) ?? '0'}};
    throw new ContractError(`unknown query ${name}`);
  },
};

/** Registry of the test contracts; code hash = SHA-256 of `devnet-test:<name>:<version>`. */
export const testRegistry: ContractRegistry = {
  contracts: {echo: echoContract, token: tokenContract},
  codeHashOf(name: string): string {
    const c = testRegistry.contracts[name];
    if (!c) throw new Error(`unknown contract ${name}`);
    return createHash('sha256').update(`devnet-test:${c.name}:${c.version}`).digest('hex');
  },
};

/** Contracts of the test genesis. */
export interface TestContracts {
  token: ContractRef;
  echo: ContractRef;
  /** A second echo instance (a receiver distinct from `echo`). */
  echo2: ContractRef;
}

/** Initial token balance of dev users a, b, c. */
export const TEST_TOKEN_BALANCE = '1000000';

/** Test genesis: the token (also the faucet's `paymentToken`) and two echo contracts. */
export const genesis: GenesisSpec<TestContracts> = {
  registry: testRegistry,
  codes: ['echo', 'token'],
  deployments: [
    {
      key: 'paymentToken',
      code: 'token',
      label: 'test-token',
      initMsg: (ctx) => ({initial: ['a', 'b', 'c'].map((n) => ({address: ctx.accounts[n], amount: TEST_TOKEN_BALANCE}))}),
    },
    {key: 'echo', code: 'echo', label: 'test-echo', initMsg: () => ({greeting: 'hi'})},
    {key: 'echo2', code: 'echo', label: 'test-echo-2', initMsg: () => ({greeting: 'hi2'})},
  ],
  contracts: (d) => ({token: d.paymentToken!, echo: d.echo!, echo2: d.echo2!}),
};

/** A temporary secretai home; `cleanup` removes it. */
export function tempHome(prefix = 'secretai-devnet-'): {home: string; cleanup: () => void} {
  const home = mkdtempSync(join(tmpdir(), prefix));
  return {home, cleanup: () => rmSync(home, {recursive: true, force: true})};
}
