/**
 * The wasm token against the TypeScript one, message by message: the same answers, `data`, sub-messages and error
 * texts, and byte-identical storage (keys and value texts) after every step — including the corners the cases in
 * `snip20-cases.ts` do not reach (escapes and non-ASCII in memos, multi-denomination deposits and their overflow
 * text, expirations, repeated minters). Removed with the TypeScript contract.
 */
import {describe, expect, it} from '@jest/globals';
import {snip20} from '../../contracts/snip20/contract.js';
import type {Coin, Contract} from '../../contracts/common/types.js';
import {ContractHarness, testAddress, wasmContract} from './harness.js';
import {address, signPermit} from './accounts.js';

const TOKEN = testAddress(200);
const RECEIVER = testAddress(201);
const MAX = ((1n << 128n) - 1n).toString();

type Step = {at?: number; sender?: string; instantiate?: unknown; execute?: unknown; query?: unknown; funds?: Coin[]};

function outcome(token: ContractHarness, step: Step): unknown {
  const sender = step.sender ?? address('alice');
  try {
    if (step.query) return token.query(step.query);
    const res = step.instantiate ? token.instantiate(sender, step.instantiate, step.funds) : token.execute(sender, step.execute, step.funds);
    return {data: res.data ?? null, attributes: res.attributes, messages: res.messages};
  } catch (e) {
    return {error: (e as Error).message};
  }
}

function replay(steps: Step[]): void {
  const tokens = [snip20 as Contract, wasmContract('snip20')].map((c) => new ContractHarness(c, undefined, {address: TOKEN}));
  for (const step of steps) {
    if (step.at !== undefined) for (const t of tokens) t.advance(step.at);
    const [ts, wasm] = tokens.map((t) => JSON.stringify(outcome(t, step)));
    expect({step, answer: wasm}).toEqual({step, answer: ts});
    expect(tokens[1]!.storage.snapshot()).toEqual(tokens[0]!.storage.snapshot());
  }
}

describe('snip20 wasm and TypeScript contracts', () => {
  it('answer and store the same bytes for transfers, sends, allowances, history and admin', () => {
    const [alice, bob, carol] = [address('alice'), address('bob'), address('carol')];
    const memo = 'é "quoted" \\ \n\t\u0001 \u2028 😀 \ud800';
    replay([
      {query: {token_info: {}}},
      {execute: {transfer: {recipient: bob, amount: '1'}}},
      {
        instantiate: {
          name: 'Secret AI Credit', symbol: 'SAIC', decimals: 6, prng_seed: 'AB==', supported_denoms: ['uscrt', 'uatom'],
          initial_balances: [{address: alice, amount: '1000'}, {address: carol, amount: '0001'}, {address: alice, amount: '5'}],
          config: {enable_deposit: true, enable_redeem: true, enable_mint: true, enable_burn: null, public_total_supply: true},
          minters: [bob, alice, bob],
        },
      },
      {execute: {transfer: {recipient: bob, amount: '250', memo}}},
      {execute: {send: {recipient: RECEIVER, amount: '7', memo: '', msg: 'eyJhIjoxfQ==', recipient_code_hash: 'cd'.repeat(32)}}},
      {sender: RECEIVER, execute: {register_receive: {code_hash: 'ef'.repeat(32)}}},
      {execute: {send: {recipient: RECEIVER, amount: '0'}}},
      {execute: {send: {recipient: TOKEN, amount: '1'}}},
      {sender: bob, execute: {deposit: {}}, funds: [{denom: 'uatom', amount: '3'}, {denom: 'uscrt', amount: '4'}, {denom: 'uatom', amount: '0'}]},
      {sender: bob, execute: {deposit: {}}, funds: [{denom: 'uscrt', amount: MAX}, {denom: 'uatom', amount: MAX}]},
      {sender: bob, execute: {deposit: {}}, funds: [{denom: 'uscrt', amount: '-1'}]},
      {sender: bob, execute: {deposit: {}}, funds: [{denom: 'ufoo', amount: '1'}]},
      {sender: bob, execute: {redeem: {amount: '2'}}},
      {sender: bob, execute: {redeem: {amount: '2', denom: 'uatom'}}},
      {execute: {increase_allowance: {spender: bob, amount: MAX, expiration: 1_700_000_010}}},
      {execute: {increase_allowance: {spender: bob, amount: '5'}}},
      {at: 5, sender: bob, execute: {transfer_from: {owner: alice, recipient: carol, amount: '3', memo}}},
      {at: 5, sender: bob, execute: {send_from: {owner: alice, recipient: RECEIVER, amount: '1'}}},
      {sender: bob, execute: {transfer_from: {owner: alice, recipient: carol, amount: '0'}}},
      {execute: {decrease_allowance: {spender: carol, amount: '9', expiration: 0}}},
      {execute: {set_viewing_key: {key: 'k'}}},
      {sender: bob, execute: {create_viewing_key: {entropy: '😀'}}},
      {query: {allowance: {owner: alice, spender: bob, key: 'k'}}},
      {query: {allowance: {owner: alice, spender: carol, key: 'k'}}},
      {query: {transaction_history: {address: alice, key: 'k', page_size: 3, page: 1}}},
      {query: {transaction_history: {address: alice, key: 'k', page_size: 4294967295, page: 4294967295}}},
      {query: {balance: {address: alice, key: 'wrong'}}},
      {sender: bob, execute: {mint: {recipient: carol, amount: '10', memo}}},
      {sender: bob, execute: {mint: {recipient: carol, amount: MAX}}},
      {sender: carol, execute: {burn: {amount: '5'}}},
      {execute: {add_minters: {minters: [carol, bob, carol]}}},
      {execute: {remove_minters: {minters: [bob, testAddress(9)]}}},
      {query: {minters: {}}},
      {execute: {change_admin: {address: carol}}},
      {execute: {set_minters: {minters: []}}},
      {sender: carol, execute: {set_minters: {minters: [alice, alice]}}},
      {query: {token_info: {}}},
      {query: {token_config: {}}},
      {query: {exchange_rate: {}}},
      {execute: {revoke_permit: {permit_name: 'p'}}},
    ]);
  });

  it('answer permit queries the same way', async () => {
    const [alice, bob] = [address('alice'), address('bob')];
    const balance = await signPermit('alice', 'p', [TOKEN], ['balance']);
    const history = await signPermit('bob', 'h', [TOKEN, RECEIVER], ['history']);
    const allowance = await signPermit('bob', 'a', [TOKEN], ['allowance']);
    replay([
      {instantiate: {name: 'Token', symbol: 'TOK', decimals: 2, prng_seed: 'ZGV2bmV0', initial_balances: [{address: alice, amount: '9'}, {address: bob, amount: '1'}]}},
      {query: {exchange_rate: {}}},
      {query: {with_permit: {permit: balance, query: {balance: {}}}}},
      {query: {with_permit: {permit: history, query: {transaction_history: {page_size: 2}}}}},
      {query: {with_permit: {permit: history, query: {transfer_history: {page_size: 2}}}}},
      {query: {with_permit: {permit: balance, query: {allowance: {owner: alice, spender: bob}}}}},
      {query: {with_permit: {permit: allowance, query: {allowance: {owner: alice, spender: testAddress(3)}}}}},
      {query: {with_permit: {permit: allowance, query: {allowance: {owner: alice, spender: bob}}}}},
      {execute: {revoke_permit: {permit_name: 'p'}}},
      {query: {with_permit: {permit: balance, query: {balance: {}}}}},
    ]);
  });
});
