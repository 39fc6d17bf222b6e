/**
 * Transport rules of the devnet endpoint (secret-lcd-devnet.md §1–§2) checked over raw HTTP: JSON everywhere
 * (errors in the gRPC-gateway shape with matching statuses), collapsed slashes, bodies parsed as JSON whatever the
 * content type, immediate tx results.
 */
import {describe, expect, it, beforeAll, afterAll} from '@jest/globals';
import {request} from 'node:http';
import {connect} from 'node:net';
import {Wallet} from 'secretjs';
import {startDevnet, type DevnetHandle} from '../../src/devnet/index.js';
import {DevSigner} from '../../src/devnet/signer.js';
import {toBase64} from '../../contracts/common/encoding.js';
import {genesis, tempHome, type TestContracts} from './fixtures.js';

let devnet: DevnetHandle<TestContracts>;
let cleanup: () => void;

beforeAll(async () => {
  const h = tempHome();
  cleanup = h.cleanup;
  devnet = await startDevnet({home: h.home, port: 0, genesis});
});

afterAll(async () => {
  await devnet?.stop();
  cleanup?.();
});

/** Raw HTTP exchange: status, content type and parsed JSON body (throws if the body is not JSON). */
function http(method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<{status: number; type: string; json: any}> {
  const url = new URL(devnet.url);
  return new Promise((resolve, reject) => {
    const req = request({host: url.hostname, port: url.port, method, path, headers}, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        try {
          resolve({status: res.statusCode!, type: String(res.headers['content-type']), json: JSON.parse(text)});
        } catch {
          reject(new Error(`non-JSON body for ${method} ${path}: ${text}`));
        }
      });
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

describe('devnet HTTP transport', () => {
  it('answers JSON errors in the gRPC-gateway shape with matching HTTP statuses', async () => {
    const notFound = await http('GET', '/no/such/endpoint');
    expect(notFound.status).toBe(404);
    expect(notFound.type).toBe('application/json');
    expect(notFound.json).toEqual({code: 5, message: expect.stringContaining('Not Found'), details: []});

    const badAddress = await http('GET', '/cosmos/auth/v1beta1/accounts/secret1nope');
    expect(badAddress.status).toBe(400);
    expect(badAddress.json).toMatchObject({code: 3, details: []});

    const unknownTx = await http('GET', `/cosmos/tx/v1beta1/txs/${'0a'.repeat(32)}`);
    expect(unknownTx.status).toBe(404);
    expect(unknownTx.json).toEqual({code: 5, message: `tx not found: ${'0A'.repeat(32)}`, details: []});

    const wrongMethod = await http('DELETE', '/registration/v1beta1/tx-key');
    expect(wrongMethod.status).toBe(501);
    expect(wrongMethod.json.code).toBe(12);

    const badJson = await http('POST', '/cosmos/tx/v1beta1/txs', '{not json');
    expect(badJson.status).toBe(400);
    expect(badJson.json.code).toBe(3);

    const missingQuery = await http('GET', `/compute/v1beta1/query/${devnet.contracts.echo.address}`);
    expect(missingQuery.status).toBe(400);
  });

  it('answers malformed HTTP and oversized request heads with JSON too', async () => {
    const url = new URL(devnet.url);
    const raw = (payload: string) =>
      new Promise<string>((resolve, reject) => {
        const socket = connect(Number(url.port), url.hostname, () => socket.end(payload));
        const chunks: Buffer[] = [];
        socket.on('data', (c: Buffer) => chunks.push(c));
        socket.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        socket.on('error', reject);
      });
    const garbage = await raw('NOT HTTP AT ALL\r\n\r\n');
    expect(garbage).toMatch(/^HTTP\/1\.1 400 /);
    expect(JSON.parse(garbage.slice(garbage.indexOf('\r\n\r\n') + 4))).toMatchObject({code: 3});
    const huge = await raw(`GET /registration/v1beta1/tx-key HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(100_000)}\r\n\r\n`);
    expect(huge).toMatch(/^HTTP\/1\.1 431 /);
    expect(JSON.parse(huge.slice(huge.indexOf('\r\n\r\n') + 4))).toMatchObject({code: 3, message: 'request head too large'});
  });

  it('collapses repeated slashes and ignores a trailing slash', async () => {
    const res = await http('GET', '//registration//v1beta1/tx-key/');
    expect(res.status).toBe(200);
    expect(Buffer.from(res.json.key, 'base64')).toHaveLength(32);
    const bal = await http('GET', `//cosmos/bank/v1beta1/balances/${devnet.admin.address}/by_denom?denom=uscrt`);
    expect(bal.json.balance.denom).toBe('uscrt');
  });

  it('parses POST bodies as JSON whatever the content type and has the result at once', async () => {
    const signer = DevSigner.fromMnemonic(devnet.accounts.find((a) => a.name === 'a')!.mnemonic);
    const bytes = signer.sign(devnet.chain, [signer.send(devnet.accounts[2]!.address, [{denom: 'uscrt', amount: '3'}]).any], {gasLimit: 100_000});
    const res = await http('POST', '/cosmos/tx/v1beta1/txs', JSON.stringify({txBytes: toBase64(bytes), mode: 'BROADCAST_MODE_SYNC'}), {
      'content-type': 'text/plain;charset=UTF-8',
    });
    expect(res.status).toBe(200);
    expect(res.json.tx_response).toMatchObject({code: 0, height: '0', raw_log: '', txhash: expect.stringMatching(/^[0-9A-F]{64}$/)});
    const got = await http('GET', `/cosmos/tx/v1beta1/txs/${res.json.tx_response.txhash.toLowerCase()}`);
    expect(got.status).toBe(200);
    expect(got.json.tx_response).toMatchObject({code: 0, raw_log: '', logs: [], data: expect.stringMatching(/^[0-9A-F]*$/)});
    expect(got.json.tx.body.messages[0]).toMatchObject({'@type': '/cosmos.bank.v1beta1.MsgSend', amount: [{denom: 'uscrt', amount: '3'}]});
    expect(got.json.tx_response.tx['@type']).toBe('/cosmos.tx.v1beta1.Tx');
    // snake_case body field accepted too; a duplicate is refused
    const dup = await http('POST', '/cosmos/tx/v1beta1/txs', JSON.stringify({tx_bytes: toBase64(bytes)}));
    expect(dup.json.tx_response.code).toBe(19);
  });

  it('accepts URL-safe base64 contract queries', async () => {
    const {echo} = devnet.contracts;
    // Build the encrypted query the way a Go client does, then send it URL-safe.
    const signer = DevSigner.fromMnemonic(devnet.accounts[1]!.mnemonic);
    const prepared = signer.execute(devnet.chain, echo, {count: {}});
    const {MsgExecuteContract} = await import('secretjs/dist/protobuf/secret/compute/v1beta1/msg.js');
    const envelope = MsgExecuteContract.decode(prepared.any.value).msg;
    const res = await http('GET', `/compute/v1beta1/query/${echo.address}?query=${Buffer.from(envelope).toString('base64url')}`);
    expect(res.status).toBe(200);
    const answer = JSON.parse(Buffer.from(Buffer.from(prepared.cipher!.open(Buffer.from(res.json.data, 'base64'))).toString(), 'base64').toString());
    expect(answer).toEqual({count: expect.any(Number)});
  });

  it('serves the optional reads', async () => {
    const codes = await http('GET', '/compute/v1beta1/codes');
    expect(codes.json.code_infos.map((c: {code_id: string}) => c.code_id)).toEqual(['1', '2']);
    const contracts = await http('GET', '/compute/v1beta1/contracts/1');
    expect(contracts.json.contract_infos.map((c: {contract_address: string}) => c.contract_address).sort()).toEqual(
      [devnet.contracts.echo.address, devnet.contracts.echo2.address].sort(),
    );
    const label = await http('GET', `/compute/v1beta1/label/${devnet.contracts.token.address}`);
    expect(label.json).toEqual({label: 'test-token'});
    const node = await http('GET', '/cosmos/base/tendermint/v1beta1/node_info');
    expect(node.json.default_node_info.network).toBe('secretdev-1');
    const latest = await http('GET', '/cosmos/base/tendermint/v1beta1/blocks/latest');
    expect(Number(latest.json.block.header.height)).toBe(devnet.chain.height);
    const account = await http('GET', `/cosmos/auth/v1beta1/accounts/${new Wallet().address}`);
    expect(account.status).toBe(404);
  });
});
