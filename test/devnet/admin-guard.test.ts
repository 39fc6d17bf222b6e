/**
 * The devnet's admin actions (`fund`, `advance`, `shutdown`) answer only their owner: a loopback `Host`,
 * `content-type: application/json` and the per-devnet token stored (0600) in the devnet's home. A cross-origin-style
 * request (a web page POSTing a plain-text form) is refused and changes nothing.
 */
import {describe, expect, it, beforeAll, afterAll} from '@jest/globals';
import {request} from 'node:http';
import {statSync} from 'node:fs';
import {devnetPaths, readAdminToken} from '../../src/devnet/index.js';
import {snapshotState, startTestDevnet, type TestDevnet} from './helpers.js';

let t: TestDevnet;

beforeAll(async () => {
  t = await startTestDevnet();
});

afterAll(async () => {
  await t?.close();
});

function post(path: string, body: string, headers: Record<string, string>): Promise<{status: number; json: {code?: number; message?: string}}> {
  const url = new URL(t.devnet.url);
  return new Promise((resolve, reject) => {
    const req = request({host: url.hostname, port: url.port, method: 'POST', path, headers}, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({status: res.statusCode!, json: JSON.parse(Buffer.concat(chunks).toString('utf8'))}));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const ACTIONS: Array<[string, unknown]> = [
  ['/secretai/devnet/fund', {address: 'secret1r6lr6t0k2cdemfsqhs599hle6ux8c2achnrgzw', scrt: '5'}],
  ['/secretai/devnet/advance', {seconds: 3600}],
  ['/secretai/devnet/shutdown', {}],
];

describe('devnet admin actions', () => {
  it('stores the admin token with mode 0600 in the devnet home', () => {
    const token = readAdminToken(t.home);
    expect(token).toMatch(/^[0-9a-f]{64}$/);
    expect(statSync(devnetPaths(t.home).adminToken).mode & 0o777).toBe(0o600);
  });

  it.each(ACTIONS)('refuses a cross-origin-style POST to %s and changes nothing', async (path, body) => {
    const before = snapshotState(t.devnet);
    const offset = t.devnet.chain.timeOffset;
    const res = await post(path, JSON.stringify(body), {'content-type': 'text/plain;charset=UTF-8'});
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(snapshotState(t.devnet)).toBe(before);
    expect(t.devnet.chain.timeOffset).toBe(offset);
    // still serving
    const status = await fetch(`${t.devnet.url}/secretai/devnet/status`);
    expect(status.status).toBe(200);
  });

  it.each(ACTIONS)('refuses %s without the token, with a wrong token or from a foreign Host', async (path, body) => {
    const before = snapshotState(t.devnet);
    const token = readAdminToken(t.home)!;
    const json = JSON.stringify(body);
    const noToken = await post(path, json, {'content-type': 'application/json'});
    expect(noToken.status).toBe(401);
    const wrong = await post(path, json, {'content-type': 'application/json', authorization: `Bearer ${'0'.repeat(64)}`});
    expect(wrong.status).toBe(401);
    const rebound = await post(path, json, {'content-type': 'application/json', authorization: `Bearer ${token}`, host: 'attacker.example:1317'});
    expect(rebound.status).toBe(403);
    const form = await post(path, json, {'content-type': 'application/x-www-form-urlencoded', authorization: `Bearer ${token}`});
    expect(form.status).toBe(415);
    expect(snapshotState(t.devnet)).toBe(before);
  });

  it('performs an action for its owner (JSON, loopback Host, token)', async () => {
    const token = readAdminToken(t.home)!;
    const offset = t.devnet.chain.timeOffset;
    const res = await post('/secretai/devnet/advance', JSON.stringify({seconds: 60}), {
      'content-type': 'application/json; charset=utf-8',
      authorization: `Bearer ${token}`,
      host: `localhost:${new URL(t.devnet.url).port}`,
    });
    expect(res.status).toBe(200);
    expect(t.devnet.chain.timeOffset).toBe(offset + 60);
  });
});
