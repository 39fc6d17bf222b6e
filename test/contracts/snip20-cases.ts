import {beforeAll, beforeEach, describe, expect, it} from '@jest/globals';
import {createHash} from 'node:crypto';
import type {ExecuteMsg, InstantiateMsg, Permit, QueryMsg} from '../../contracts/snip20/types.js';
import type {Contract} from './wasm-contract.js';
import {ContractHarness, testAddress} from './harness.js';
import {address, signPermit} from './accounts.js';

type Token = ContractHarness<InstantiateMsg, ExecuteMsg, QueryMsg>;

const TOKEN = testAddress(200);
const RECEIVER = testAddress(201);
const RECEIVER_HASH = 'cd'.repeat(32);
const SEED = Buffer.from('devnet prng seed').toString('base64');

/** Largest Uint128, 2^128 − 1. */
const UINT128_MAX = (1n << 128n) - 1n;
const NOT_ADMIN = 'This is an admin command. Admin commands can only be run from admin address';

/**
 * The SNIP-20 cases, run against one implementation of the token: `contract()` gives the TypeScript state machine
 * (`snip20.test.ts`) or the built wasm (`snip20-wasm.test.ts`).
 */
export function describeSnip20(contract: () => Contract): void {
  let snip20: Contract<InstantiateMsg, ExecuteMsg, QueryMsg>;
  let alice: string;
  let bob: string;
  let carol: string;

  beforeAll(() => {
    snip20 = contract();
    alice = address('alice');
    bob = address('bob');
    carol = address('carol');
  });

  function newToken(overrides: Partial<InstantiateMsg> = {}): Token {
    const token: Token = new ContractHarness(snip20, undefined, {address: TOKEN});
    token.instantiate(alice, {
      name: 'Secret AI Credit',
      symbol: 'SAIC',
      decimals: 6,
      prng_seed: SEED,
      initial_balances: [
        {address: alice, amount: '1000'},
        {address: carol, amount: '1'},
      ],
      config: {enable_deposit: true, enable_redeem: true, enable_mint: true, enable_burn: true},
      ...overrides,
    });
    return token;
  }

  function balanceOf(token: Token, owner: string, key = `key-${owner}`): string {
    token.execute(owner, {set_viewing_key: {key}});
    const answer = token.query<{balance: {amount: string}}>({balance: {address: owner, key}});
    return answer.balance.amount;
  }

  /** A valid-looking address (pattern) whose bech32 checksum is wrong. */
  function badChecksum(addr: string): string {
    const last = addr.at(-1)!;
    return addr.slice(0, -1) + (last === 'q' ? 'p' : 'q');
  }

  describe('snip20 instantiate and public queries', () => {
    it('credits initial balances and keeps total supply private by default', () => {
      const token = newToken();
      expect(balanceOf(token, alice)).toBe('1000');
      expect(balanceOf(token, carol)).toBe('1');
      expect(balanceOf(token, bob)).toBe('0');
      expect(token.query({token_info: {}})).toEqual({token_info: {name: 'Secret AI Credit', symbol: 'SAIC', decimals: 6, total_supply: null}});
    });

    it('publishes total supply when configured', () => {
      const token = newToken({config: {public_total_supply: true}});
      expect(token.query({token_info: {}})).toMatchObject({token_info: {total_supply: '1001'}});
    });

    it('answers token_config, minters and exchange_rate', () => {
      const token = newToken();
      expect(token.query({token_config: {}})).toEqual({
        token_config: {public_total_supply: false, deposit_enabled: true, redeem_enabled: true, mint_enabled: true, burn_enabled: true, supported_denoms: ['uscrt']},
      });
      expect(token.query({minters: {}})).toEqual({minters: {minters: [alice]}});
      expect(token.query({exchange_rate: {}})).toEqual({exchange_rate: {rate: '1', denom: 'SCRT'}});
      expect(newToken({decimals: 4}).query({exchange_rate: {}})).toEqual({exchange_rate: {rate: '100', denom: 'SAIC'}});
      expect(newToken({config: {}}).query({exchange_rate: {}})).toEqual({exchange_rate: {rate: '0', denom: ''}});
    });

    it('rejects initial balances whose sum exceeds Uint128', () => {
      const token: Token = new ContractHarness(snip20, undefined, {address: TOKEN});
      const max = UINT128_MAX.toString();
      expect(() =>
        token.instantiate(alice, {name: 'Big', symbol: 'BIG', decimals: 6, prng_seed: SEED, initial_balances: [{address: alice, amount: max}, {address: bob, amount: '1'}]}),
      ).toThrow('The sum of all initial balances exceeds the maximum possible total supply');
      expect(token.storage.keys()).toEqual([]);
    });
  });

  describe('snip20 transfers', () => {
    let token: Token;
    beforeEach(() => {
      token = newToken();
    });

    it('moves tokens and answers {"transfer":{"status":"success"}}', () => {
      const res = token.execute(alice, {transfer: {recipient: bob, amount: '250', memo: 'thanks'}});
      expect(res.data).toEqual({transfer: {status: 'success'}});
      expect(res.messages).toEqual([]);
      expect(balanceOf(token, alice)).toBe('750');
      expect(balanceOf(token, bob)).toBe('250');
    });

    it('fails with the reference text on insufficient funds and changes nothing', () => {
      const before = token.storage.snapshot();
      expect(token.executeError(carol, {transfer: {recipient: bob, amount: '2'}})).toBe('insufficient funds: balance=1, required=2');
      expect(token.storage.snapshot()).toEqual(before);
    });

    it('refuses to send tokens to the token contract itself', () => {
      expect(token.executeError(alice, {transfer: {recipient: TOKEN, amount: '1'}})).toBe('Tokens cannot be sent to token contract.');
      expect(token.executeError(alice, {send: {recipient: TOKEN, amount: '1'}})).toBe('Tokens cannot be sent to token contract.');
    });

    it('rejects a recipient whose bech32 checksum is wrong', () => {
      expect(token.executeError(alice, {transfer: {recipient: badChecksum(bob), amount: '1'}})).toBe(`Invalid recipient address: ${badChecksum(bob)}`);
    });

    it('allows transferring to oneself without changing the balance', () => {
      token.execute(alice, {transfer: {recipient: alice, amount: '10'}});
      expect(balanceOf(token, alice)).toBe('1000');
    });
  });

  describe('snip20 send and the receive callback', () => {
    let token: Token;
    beforeEach(() => {
      token = newToken();
    });

    it('sends the receive callback when a code hash is given (exact body of docs §4)', () => {
      const inner = Buffer.from(JSON.stringify({deposit: {}})).toString('base64');
      const res = token.execute(alice, {send: {recipient: RECEIVER, recipient_code_hash: RECEIVER_HASH, amount: '100', msg: inner, memo: 'sub'}});
      expect(res.data).toEqual({send: {status: 'success'}});
      expect(res.messages).toEqual([
        {wasm_execute: {contract_addr: RECEIVER, code_hash: RECEIVER_HASH, msg: {receive: {sender: alice, from: alice, amount: '100', memo: 'sub', msg: inner}}, funds: []}},
      ]);
      const body = (res.messages[0] as {wasm_execute: {msg: {receive: object}}}).wasm_execute.msg.receive;
      expect(Object.keys(body)).toEqual(['sender', 'from', 'amount', 'memo', 'msg']);
    });

    it('omits memo and sets msg to null when absent', () => {
      const res = token.execute(alice, {send: {recipient: RECEIVER, recipient_code_hash: RECEIVER_HASH, amount: '5'}});
      expect(JSON.stringify(res.messages[0])).toBe(
        JSON.stringify({wasm_execute: {contract_addr: RECEIVER, code_hash: RECEIVER_HASH, msg: {receive: {sender: alice, from: alice, amount: '5', msg: null}}, funds: []}}),
      );
    });

    it('uses the code hash a recipient registered with register_receive', () => {
      expect(token.execute(RECEIVER, {register_receive: {code_hash: RECEIVER_HASH}}).data).toEqual({register_receive: {status: 'success'}});
      const res = token.execute(alice, {send: {recipient: RECEIVER, amount: '7'}});
      expect(res.messages).toHaveLength(1);
      expect(res.messages[0]).toMatchObject({wasm_execute: {contract_addr: RECEIVER, code_hash: RECEIVER_HASH}});
    });

    it('sends no callback to an unregistered recipient without a code hash', () => {
      const res = token.execute(alice, {send: {recipient: bob, amount: '7'}});
      expect(res.messages).toEqual([]);
      expect(balanceOf(token, bob)).toBe('7');
    });

    it('send_from tells the recipient both the spender (sender) and the owner (from)', () => {
      token.execute(alice, {increase_allowance: {spender: bob, amount: '50'}});
      const res = token.execute(bob, {send_from: {owner: alice, recipient: RECEIVER, recipient_code_hash: RECEIVER_HASH, amount: '20'}});
      expect(res.data).toEqual({send_from: {status: 'success'}});
      expect(res.messages[0]).toEqual({
        wasm_execute: {contract_addr: RECEIVER, code_hash: RECEIVER_HASH, msg: {receive: {sender: bob, from: alice, amount: '20', msg: null}}, funds: []},
      });
    });
  });

  describe('snip20 viewing keys', () => {
    let token: Token;
    beforeEach(() => {
      token = newToken();
    });

    it('answers with the balance for the right key and a viewing_key_error answer for a wrong or missing one', () => {
      token.execute(alice, {set_viewing_key: {key: 'correct horse'}});
      expect(token.query({balance: {address: alice, key: 'correct horse'}})).toEqual({balance: {amount: '1000'}});
      const wrong = {viewing_key_error: {msg: 'Wrong viewing key for this address or viewing key not set'}};
      expect(token.query({balance: {address: alice, key: 'battery staple'}})).toEqual(wrong);
      expect(token.query({balance: {address: bob, key: 'correct horse'}})).toEqual(wrong);
    });

    it('stores only the SHA-256 of the key', () => {
      token.execute(alice, {set_viewing_key: {key: 'correct horse'}});
      const raw = [...token.storage.snapshot().values()].join('\n');
      expect(raw).not.toContain('correct horse');
      expect(raw).toContain(createHash('sha256').update('correct horse').digest('hex'));
    });

    it('create_viewing_key returns a distinct api_key_<base64 of 32 bytes> that works', () => {
      const first = (token.execute(alice, {create_viewing_key: {entropy: 'e1'}}).data as {create_viewing_key: {key: string}}).create_viewing_key.key;
      expect(first).toMatch(/^api_key_[A-Za-z0-9+/]{43}=$/);
      expect(token.query({balance: {address: alice, key: first}})).toEqual({balance: {amount: '1000'}});
      const second = (token.execute(alice, {create_viewing_key: {entropy: 'e1'}}).data as {create_viewing_key: {key: string}}).create_viewing_key.key;
      expect(second).not.toBe(first);
      expect(token.query({balance: {address: alice, key: first}})).toHaveProperty('viewing_key_error');
    });

    it('derives keys deterministically from the seed, sender, entropy and block (no randomness)', () => {
      const a = newToken();
      const b = newToken();
      const ka = a.execute(bob, {create_viewing_key: {entropy: 'x'}}).data;
      const kb = b.execute(bob, {create_viewing_key: {entropy: 'x'}}).data;
      expect(ka).toEqual(kb);
      const c = newToken({prng_seed: Buffer.from('another seed').toString('base64')});
      expect(c.execute(bob, {create_viewing_key: {entropy: 'x'}}).data).not.toEqual(ka);
    });
  });

  describe('snip20 transaction history', () => {
    it('lists entries newest first with paging and the reference shapes', () => {
      const token = newToken();
      token.advance(6);
      token.execute(alice, {transfer: {recipient: bob, amount: '10', memo: 'one'}});
      token.advance(6);
      token.execute(bob, {transfer: {recipient: alice, amount: '3'}});
      token.execute(alice, {set_viewing_key: {key: 'k'}});
      const all = token.query<{transaction_history: {txs: Array<Record<string, unknown>>; total: number}}>({
        transaction_history: {address: alice, key: 'k', page_size: 10},
      });
      // the admin (alice) mints the initial balances, so both initial mints are in her history
      expect(all.transaction_history.total).toBe(4);
      expect(all.transaction_history.txs.map((t) => t.action)).toEqual([
        {transfer: {from: bob, sender: bob, recipient: alice}},
        {transfer: {from: alice, sender: alice, recipient: bob}},
        {mint: {minter: alice, recipient: carol}},
        {mint: {minter: alice, recipient: alice}},
      ]);
      expect(all.transaction_history.txs[1]).toEqual({
        id: 3, action: {transfer: {from: alice, sender: alice, recipient: bob}}, coins: {denom: 'SAIC', amount: '10'}, memo: 'one',
        block_time: 1_700_000_006, block_height: 101,
      });
      expect(all.transaction_history.txs[0]).not.toHaveProperty('memo');
      const page1 = token.query<{transaction_history: {txs: Array<{id: number}>}}>({transaction_history: {address: alice, key: 'k', page: 1, page_size: 2}});
      expect(page1.transaction_history.txs.map((t) => t.id)).toEqual([2, 1]);
      expect(token.queryError({transaction_history: {address: alice, key: 'k', page_size: 0}})).toBe('invalid page size');
      expect(token.queryError({transfer_history: {address: alice, key: 'k', page_size: 1}})).toBe('`transfer_history` query is UNSUPPORTED. Use `transaction_history` instead.');
    });
  });

  describe('snip20 permits (signed by secretjs)', () => {
    let token: Token;
    let balancePermit: Permit;
    beforeAll(async () => {
      balancePermit = await signPermit('alice', 'wallet', [TOKEN], ['balance']);
    });
    beforeEach(() => {
      token = newToken();
    });

    it('answers with_permit balance for the signer', () => {
      expect(token.query({with_permit: {permit: balancePermit, query: {balance: {}}}})).toEqual({balance: {amount: '1000'}});
    });

    it('answers with_permit transaction_history only with the history permission', async () => {
      expect(token.queryError({with_permit: {permit: balancePermit, query: {transaction_history: {page_size: 5}}}})).toBe(
        'No permission to query history, got permissions [Balance]',
      );
      const historyPermit = await signPermit('alice', 'history', [TOKEN], ['history']);
      const answer = token.query<{transaction_history: {total: number}}>({with_permit: {permit: historyPermit, query: {transaction_history: {page_size: 5}}}});
      expect(answer.transaction_history.total).toBe(2);
      const ownerPermit = await signPermit('carol', 'all', [TOKEN], ['owner']);
      expect(token.query({with_permit: {permit: ownerPermit, query: {balance: {}}}})).toEqual({balance: {amount: '1'}});
    });

    it('rejects a tampered permit', () => {
      const tampered = structuredClone(balancePermit);
      tampered.params.permissions = ['owner'];
      expect(token.queryError({with_permit: {permit: tampered, query: {balance: {}}}})).toBe('Failed to verify signatures for the given permit');
    });

    it('rejects a permit revoked with revoke_permit', () => {
      expect(token.execute(alice, {revoke_permit: {permit_name: 'wallet'}}).data).toEqual({revoke_permit: {status: 'success'}});
      expect(token.queryError({with_permit: {permit: balancePermit, query: {balance: {}}}})).toBe(`Permit "wallet" was revoked by account "${alice}"`);
    });

    it('rejects a permit for another contract', async () => {
      const other = await signPermit('alice', 'other', [RECEIVER], ['balance']);
      expect(token.queryError({with_permit: {permit: other, query: {balance: {}}}})).toBe(
        `Permit doesn't apply to token "${TOKEN}", allowed tokens: ["${RECEIVER}"]`,
      );
    });

    it('lets the owner or the spender read an allowance with a permit', async () => {
      token.execute(alice, {increase_allowance: {spender: bob, amount: '9', expiration: 1_800_000_000}});
      const spenderPermit = await signPermit('bob', 'allow', [TOKEN], ['allowance']);
      expect(token.query({with_permit: {permit: spenderPermit, query: {allowance: {owner: alice, spender: bob}}}})).toEqual({
        allowance: {spender: bob, owner: alice, allowance: '9', expiration: 1_800_000_000},
      });
      const strangerPermit = await signPermit('carol', 'allow', [TOKEN], ['allowance']);
      expect(token.queryError({with_permit: {permit: strangerPermit, query: {allowance: {owner: alice, spender: bob}}}})).toContain('Cannot query allowance');
    });
  });

  describe('snip20 deposit and redeem', () => {
    let token: Token;
    beforeEach(() => {
      token = newToken();
    });

    it('wraps native uscrt 1:1 and redeems it back with a bank send', () => {
      expect(token.execute(bob, {deposit: {}}, [{denom: 'uscrt', amount: '500'}]).data).toEqual({deposit: {status: 'success'}});
      expect(balanceOf(token, bob)).toBe('500');
      const res = token.execute(bob, {redeem: {amount: '200'}});
      expect(res.data).toEqual({redeem: {status: 'success'}});
      expect(res.messages).toEqual([{bank_send: {to_address: bob, amount: [{denom: 'uscrt', amount: '200'}]}}]);
      expect(balanceOf(token, bob)).toBe('300');
    });

    it('rejects unsupported coins, empty deposits and redeems beyond the reserve', () => {
      expect(token.executeError(bob, {deposit: {}}, [{denom: 'uatom', amount: '5'}])).toBe('Tried to deposit an unsupported coin uatom');
      expect(token.executeError(bob, {deposit: {}})).toBe('No funds were sent to be deposited');
      // alice's initial balance was never deposited, so the reserve cannot pay it out
      expect(token.executeError(alice, {redeem: {amount: '10'}})).toBe('You are trying to redeem for more uscrt than the contract has in its reserve');
      expect(token.executeError(bob, {redeem: {amount: '1', denom: 'uatom'}})).toBe('Tried to redeem for an unsupported coin');
      expect(token.executeError(bob, {redeem: {amount: '1'}})).toBe('insufficient funds: balance=0, required=1');
    });

    it('refuses deposit and redeem when disabled', () => {
      const plain = newToken({config: {}});
      expect(plain.executeError(bob, {deposit: {}}, [{denom: 'uscrt', amount: '1'}])).toBe('Deposit functionality is not enabled.');
      expect(plain.executeError(alice, {redeem: {amount: '1'}})).toBe('Redeem functionality is not enabled for this token.');
    });
  });

  describe('snip20 mint, burn and admin', () => {
    let token: Token;
    beforeEach(() => {
      token = newToken();
    });

    it('lets the minter set at instantiation mint (the devnet faucet path)', () => {
      const faucet = testAddress(42);
      const t = newToken({minters: [faucet], config: {enable_mint: true, public_total_supply: true}});
      expect(t.execute(faucet, {mint: {recipient: bob, amount: '1000000'}}).data).toEqual({mint: {status: 'success'}});
      expect(balanceOf(t, bob)).toBe('1000000');
      expect(t.query({token_info: {}})).toMatchObject({token_info: {total_supply: '1001001'}});
      expect(t.executeError(alice, {mint: {recipient: alice, amount: '1'}})).toBe('Minting is allowed to minter accounts only');
    });

    it('refuses minting when disabled and beyond Uint128', () => {
      expect(newToken({config: {}}).executeError(alice, {mint: {recipient: bob, amount: '1'}})).toBe('Mint functionality is not enabled for this token.');
      const headroom = (UINT128_MAX - 1001n).toString();
      token.execute(alice, {mint: {recipient: bob, amount: headroom}});
      expect(token.executeError(alice, {mint: {recipient: bob, amount: '1'}})).toBe('This mint attempt would increase the total supply above the supported maximum');
    });

    it('burns from the sender', () => {
      expect(token.execute(alice, {burn: {amount: '100'}}).data).toEqual({burn: {status: 'success'}});
      expect(balanceOf(token, alice)).toBe('900');
      expect(token.executeError(carol, {burn: {amount: '5'}})).toBe('insufficient funds: balance=1, required=5');
    });

    it('keeps minter changes to the admin', () => {
      expect(token.executeError(bob, {add_minters: {minters: [bob]}})).toBe(NOT_ADMIN);
      token.execute(alice, {add_minters: {minters: [bob]}});
      expect(token.query({minters: {}})).toEqual({minters: {minters: [alice, bob]}});
      token.execute(alice, {remove_minters: {minters: [alice]}});
      expect(token.query({minters: {}})).toEqual({minters: {minters: [bob]}});
      token.execute(alice, {change_admin: {address: carol}});
      expect(token.executeError(alice, {set_minters: {minters: []}})).toBe(NOT_ADMIN);
      token.execute(carol, {set_minters: {minters: []}});
      expect(token.query({minters: {}})).toEqual({minters: {minters: []}});
    });
  });

  describe('snip20 allowances', () => {
    let token: Token;
    beforeEach(() => {
      token = newToken();
    });

    it('spends an allowance with transfer_from and reports what is left', () => {
      expect(token.execute(alice, {increase_allowance: {spender: bob, amount: '30'}}).data).toEqual({increase_allowance: {spender: bob, owner: alice, allowance: '30'}});
      token.execute(bob, {transfer_from: {owner: alice, recipient: carol, amount: '20'}});
      expect(balanceOf(token, carol)).toBe('21');
      expect(token.executeError(bob, {transfer_from: {owner: alice, recipient: carol, amount: '11'}})).toBe('insufficient allowance: allowance=10, required=11');
      expect(token.execute(alice, {decrease_allowance: {spender: bob, amount: '100'}}).data).toEqual({decrease_allowance: {spender: bob, owner: alice, allowance: '0'}});
      token.execute(bob, {set_viewing_key: {key: 'bk'}});
      expect(token.query({allowance: {owner: alice, spender: bob, key: 'bk'}})).toEqual({allowance: {spender: bob, owner: alice, allowance: '0', expiration: null}});
    });

    it('treats an expired allowance as zero', () => {
      token.execute(alice, {increase_allowance: {spender: bob, amount: '30', expiration: token.env.block.time + 10}});
      token.advance(10);
      expect(token.executeError(bob, {transfer_from: {owner: alice, recipient: bob, amount: '1'}})).toBe('insufficient allowance: allowance=0, required=1');
    });
  });

  describe('snip20 schema validation', () => {
    const token = (): Token => newToken();

    it('rejects malformed amounts before running', () => {
      expect(token().executeError(alice, {transfer: {recipient: bob, amount: '1.5'}})).toBe('execute.transfer.amount: must match ^[0-9]+$');
      expect(token().executeError(alice, {transfer: {recipient: bob, amount: 5 as unknown as string}})).toBe('execute.transfer.amount: must be string (got integer)');
      expect(token().executeError(alice, {transfer: {recipient: bob, amount: '1'.repeat(40)}})).toBe('execute.transfer.amount: must be at most 39 characters long');
      expect(token().executeError(alice, {transfer: {recipient: bob, amount: '9'.repeat(39)}})).toBe(`Invalid amount: ${'9'.repeat(39)} exceeds the Uint128 maximum`);
    });

    it('names unknown variants, missing and unexpected fields', () => {
      expect(token().executeError(alice, {transfre: {recipient: bob, amount: '1'}} as unknown as ExecuteMsg)).toMatch(/^execute: unknown variant "transfre", expected one of transfer, send, /);
      expect(token().executeError(alice, {transfer: {recipient: bob}} as unknown as ExecuteMsg)).toBe('execute.transfer.amount: is required');
      expect(token().executeError(alice, {transfer: {recipient: bob, amount: '1', fee: '2'}} as unknown as ExecuteMsg)).toBe(
        'execute.transfer.fee: is not allowed (expected recipient, amount, memo, padding)',
      );
      expect(token().executeError(alice, {transfer: {recipient: 'cosmos1abc', amount: '1'}})).toBe('execute.transfer.recipient: must match ^secret1[02-9ac-hj-np-z]{38}$');
      expect(token().queryError({balance: {address: alice}} as unknown as QueryMsg)).toBe('query.balance.key: is required');
    });

    it('validates instantiate messages', () => {
      const t: Token = new ContractHarness(snip20, undefined, {address: TOKEN});
      expect(() => t.instantiate(alice, {name: 'X', symbol: 'SAIC', decimals: 6, prng_seed: SEED})).toThrow('instantiate.name: must be at least 3 characters long');
      expect(() => t.instantiate(alice, {name: 'Token', symbol: 'SAIC', decimals: 19, prng_seed: SEED})).toThrow('instantiate.decimals: must be <= 18');
    });

    it('accepts null for optional fields, as serde does', () => {
      const t = token();
      const res = t.execute(alice, {send: {recipient: bob, amount: '1', memo: null, msg: null, recipient_code_hash: null, padding: null}});
      expect(res.data).toEqual({send: {status: 'success'}});
    });
  });
}
