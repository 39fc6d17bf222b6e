import {describe, expect, it} from '@jest/globals';
import {contractErrorText, parseContractAnswer} from '../../src/lib/chain/client.js';
import {
  AccountNotFoundError,
  BroadcastRejectedError,
  ChainRequestError,
  ChainUnavailableError,
  condense,
  ContractQueryError,
  normalizeChainError,
  parseFailureLog,
  TxFailedError,
  TxTimeoutError,
  type ChainErrorContext,
} from '../../src/lib/chain/errors.js';
import {SecretaiError, UsageError} from '../../src/lib/errors.js';

const LOCAL: ChainErrorContext = {network: {name: 'local', chainId: 'secretdev-1', lcdUrl: 'http://127.0.0.1:1317'}, signer: 'secret1jx9mh97y0r33wrzjkptxynkfa7e454ff63s7yz'};
const REMOTE: ChainErrorContext = {network: {name: 'pulsar-3', chainId: 'pulsar-3', lcdUrl: 'https://lcd.example'}};

function broadcastError(code: number, codespace: string, log: string): Error {
  return new Error(`Broadcasting transaction failed with code ${code} (codespace: ${codespace}). Log: ${log}`);
}

describe('normalizeChainError: CheckTx rejections', () => {
  it('sequence mismatch (32) → SEQUENCE_MISMATCH with the expected sequence', () => {
    const e = normalizeChainError(broadcastError(32, 'sdk', 'account sequence mismatch, expected 5, got 4: incorrect account sequence'), LOCAL);
    expect(e).toBeInstanceOf(BroadcastRejectedError);
    const b = e as BroadcastRejectedError;
    expect(b.code).toBe('SEQUENCE_MISMATCH');
    expect(b.exitCode).toBe(1);
    expect(b.expectedSequence).toBe(5);
    expect(b.message).toMatch(/expected 5, got 4/);
    expect(b.suggestion).toBeTruthy();
  });

  it('bad signature (4) names the chain id; insufficient funds (5) says how to fund', () => {
    const sig = normalizeChainError(broadcastError(4, 'sdk', 'signature verification failed; please verify account number (3) and chain-id (x): unauthorized'), REMOTE) as BroadcastRejectedError;
    expect(sig.code).toBe('SIGNATURE_INVALID');
    expect(sig.message).toContain('pulsar-3');
    const funds = normalizeChainError(broadcastError(5, 'sdk', '10uscrt is smaller than 20000uscrt: insufficient funds'), LOCAL) as BroadcastRejectedError;
    expect(funds.code).toBe('INSUFFICIENT_FUNDS');
    expect(funds.suggestion).toBe(`fund it: secretai devnet fund ${LOCAL.signer}`);
    const remoteFunds = normalizeChainError(broadcastError(5, 'sdk', 'x: insufficient funds'), REMOTE) as BroadcastRejectedError;
    expect(remoteFunds.suggestion).not.toMatch(/devnet/);
  });

  it('other codes: fee, mempool, unknown account, out of gas, anything else', () => {
    const kind = (code: number, cs = 'sdk') => (normalizeChainError(broadcastError(code, cs, 'log text'), LOCAL) as SecretaiError).code;
    expect(kind(13)).toBe('INSUFFICIENT_FEE');
    expect(kind(19)).toBe('TX_IN_MEMPOOL');
    expect(kind(9)).toBe('ACCOUNT_NOT_FOUND');
    expect(kind(11)).toBe('OUT_OF_GAS');
    expect(kind(2)).toBe('TX_REJECTED');
    expect(kind(32, 'wasm')).toBe('TX_REJECTED');
  });
});

describe('normalizeChainError: transport', () => {
  it('fetch failures with a network cause → ChainUnavailableError (exit 3) with the devnet hint locally', () => {
    const refused = new TypeError('fetch failed', {cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1317'), {code: 'ECONNREFUSED'})});
    const e = normalizeChainError(refused, LOCAL) as ChainUnavailableError;
    expect(e).toBeInstanceOf(ChainUnavailableError);
    expect(e.exitCode).toBe(3);
    expect(e.message).toMatch(/connection refused/);
    expect(e.suggestion).toBe('is the devnet running? secretai devnet start');
    const remote = normalizeChainError(refused, REMOTE) as ChainUnavailableError;
    expect(remote.suggestion).toMatch(/network show pulsar-3/);
  });

  it('DNS, AggregateError causes, node-fetch FetchError, timeouts, non-JSON answers', () => {
    const dns = new TypeError('fetch failed', {cause: Object.assign(new Error('getaddrinfo ENOTFOUND x'), {code: 'ENOTFOUND'})});
    expect((normalizeChainError(dns, REMOTE) as SecretaiError).message).toMatch(/host not found/);
    const agg = new TypeError('fetch failed', {cause: Object.assign(new AggregateError([Object.assign(new Error('a'), {code: 'ECONNREFUSED'})]), {})});
    expect((normalizeChainError(agg, REMOTE) as SecretaiError).exitCode).toBe(3);
    const nodeFetch = Object.assign(new Error('request to http://x failed, reason: getaddrinfo EAI_AGAIN x'), {name: 'FetchError', type: 'system', code: 'EAI_AGAIN', errno: 'EAI_AGAIN'});
    expect((normalizeChainError(nodeFetch, REMOTE) as SecretaiError).exitCode).toBe(3);
    const timeout = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    const t = normalizeChainError(timeout, REMOTE) as SecretaiError;
    expect(t.code).toBe('CHAIN_TIMEOUT');
    expect(t.exitCode).toBe(3);
    const html = new SyntaxError('Unexpected token < in JSON at position 0');
    const h = normalizeChainError(html, REMOTE) as SecretaiError;
    expect(h.code).toBe('CHAIN_BAD_ANSWER');
    expect(h.exitCode).toBe(3);
  });

  it('thrown JSON bodies: unknown account, unsupported route, unavailable, other', () => {
    const acct = normalizeChainError({code: 5, message: 'account secret1jx9mh97y0r33wrzjkptxynkfa7e454ff63s7yz not found: key not found', details: []}, LOCAL);
    expect(acct).toBeInstanceOf(AccountNotFoundError);
    expect((acct as SecretaiError).suggestion).toMatch(/devnet fund secret1jx9/);
    const unimpl = normalizeChainError({code: 12, message: 'Not Implemented', details: []}, REMOTE) as ChainRequestError;
    expect(unimpl.code).toBe('CHAIN_UNSUPPORTED');
    expect(unimpl.grpcCode).toBe(12);
    expect((normalizeChainError({code: 14, message: 'unavailable'}, REMOTE) as SecretaiError).exitCode).toBe(3);
    const other = normalizeChainError({code: 3, message: 'bad\nrequest'}, REMOTE) as ChainRequestError;
    expect(other.code).toBe('CHAIN_ERROR');
    expect(other.message).toMatch(/bad request/);
    expect(other.message).not.toContain('\n');
    expect((normalizeChainError({error: 'proxy says no'}, REMOTE) as SecretaiError).message).toMatch(/proxy says no/);
  });

  it('a tx not found before the timeout → TxTimeoutError (exit 3) carrying the hash', () => {
    const hash = 'AB'.repeat(32);
    const e = normalizeChainError(new Error(`Transaction ID ${hash} was submitted but was not yet found on the chain. You might want to check later or increase broadcastTimeoutMs from '60000'.`), LOCAL);
    expect(e).toBeInstanceOf(TxTimeoutError);
    expect((e as TxTimeoutError).txHash).toBe(hash);
    expect((e as TxTimeoutError).exitCode).toBe(3);
    expect((e as TxTimeoutError).message).toMatch(/60 s/);
  });

  it('passes our own errors through and leaves unknown errors unchanged (reported as bugs upstream)', () => {
    const ours = new UsageError('x');
    expect(normalizeChainError(ours, LOCAL)).toBe(ours);
    const bug = new RangeError('something else');
    expect(normalizeChainError(bug, LOCAL)).toBe(bug);
  });
});

describe('failed-tx logs', () => {
  it('extracts the message index and the contract text', () => {
    expect(parseFailureLog('failed to execute message; message index: 2: Generic error: bad input: execute contract failed')).toEqual({
      msgIndex: 2,
      contractMessage: 'Generic error: bad input',
      text: 'Generic error: bad input',
    });
    expect(parseFailureLog('failed to execute message; message index: 0: dispatch: submessages: dispatch: submessages: Generic error: nope: execute contract failed')).toMatchObject({
      msgIndex: 0,
      contractMessage: 'Generic error: nope',
    });
    expect(parseFailureLog('failed to execute message; message index: 1: spendable balance 1uscrt is smaller than 5uscrt: insufficient funds')).toEqual({
      msgIndex: 1,
      text: 'spendable balance 1uscrt is smaller than 5uscrt: insufficient funds',
    });
    const enc = parseFailureLog('failed to execute message; message index: 0: encrypted: QUJDRA==: execute contract failed');
    expect(enc.contractMessage).toBeUndefined();
    expect(enc.text).toMatch(/encrypted for another client key/);
  });

  it('TxFailedError: code TX_FAILED, hash, condensed log, gas suggestion for out-of-gas', () => {
    const e = new TxFailedError({txHash: 'AA', code: 3, codespace: 'compute', rawLog: 'failed to execute message; message index: 0: Generic error: a\nb: execute contract failed', height: 7, gasUsed: 1, gasWanted: 2});
    expect(e.code).toBe('TX_FAILED');
    expect(e.exitCode).toBe(1);
    expect(e.message).toBe('transaction failed (code 3, compute): Generic error: a b');
    expect(e.contractMessage).toBe('Generic error: a\nb');
    expect(e.rawLog).not.toContain('\n');
    expect(e.details).toMatchObject({txHash: 'AA', code: 3, codespace: 'compute', height: 7, msgIndex: 0});
    const gas = new TxFailedError({txHash: 'BB', code: 11, codespace: 'sdk', rawLog: 'out of gas in location: x; gasWanted: 1, gasUsed: 2: out of gas'});
    expect(gas.suggestion).toMatch(/gas/);
  });

  it('condenses to one bounded line', () => {
    expect(condense('a\n  b\n')).toBe('a b');
    expect(condense('x'.repeat(1000))).toHaveLength(600);
  });
});

describe('contract answers and error texts', () => {
  it('trims space padding before JSON parsing, keeps non-JSON text, maps empty to null', () => {
    expect(parseContractAnswer('{"a":1}' + ' '.repeat(249))).toEqual({a: 1});
    expect(parseContractAnswer('"s"   ')).toBe('s');
    expect(parseContractAnswer('not json  ')).toBe('not json');
    expect(parseContractAnswer('    ')).toBeNull();
  });

  it('undoes the enclave quote trimming, understands v0.10 errors and base64 forms', () => {
    const enc = (s: string) => new TextEncoder().encode(s);
    expect(contractErrorText(enc('Generic error: bad \\"x\\"'))).toBe('Generic error: bad "x"');
    expect(contractErrorText(enc('{"generic_err":{"msg":"nope"}}'))).toBe('Generic error: nope');
    expect(contractErrorText(enc('{"unauthorized":{"msg":"who"}}'))).toBe('unauthorized: who');
    expect(contractErrorText(enc(Buffer.from('Generic error: b64').toString('base64')))).toBe('Generic error: b64');
    expect(contractErrorText(enc('abcd'))).toBe('abcd'); // decodes to non-printable bytes: kept as is
  });

  it('ContractQueryError: message is the contract text, code CONTRACT_ERROR, exit 1', () => {
    const e = new ContractQueryError('secret1x', 'Generic error: insufficient funds: balance=1, required=2');
    expect(e.message).toBe('Generic error: insufficient funds: balance=1, required=2');
    expect(e.code).toBe('CONTRACT_ERROR');
    expect(e.exitCode).toBe(1);
  });
});
