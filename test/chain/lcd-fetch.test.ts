/**
 * The LCD fetch: what secretjs reads of a response (ok, status, json, text), redirects, aborts and timeouts,
 * network failures in the shape the chain's error normaliser reads — and that a read-only contract query through
 * the chain client no longer starts the runtime's fetch (undici).
 */
import {afterEach, describe, expect, it} from '@jest/globals';
import {execFile} from 'node:child_process';
import http from 'node:http';
import type {AddressInfo} from 'node:net';
import path from 'node:path';
import {promisify} from 'node:util';
import {lcdFetch} from '../../src/lib/chain/lcd-fetch.js';
import {repoRoot} from '../helpers/shared.js';
import {closedPort, startFakeLcd, type FakeLcd} from './helpers/fake-lcd.js';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

let server: http.Server | undefined;
let fake: FakeLcd | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  server = undefined;
  await fake?.close();
  fake = undefined;
});

/** A server answering with `route`; records every request. */
async function serve(route: (s: Seen, res: http.ServerResponse) => void): Promise<{url: string; seen: Seen[]}> {
  const seen: Seen[] = [];
  server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      const s = {method: req.method!, url: req.url!, headers: req.headers, body};
      seen.push(s);
      route(s, res);
    });
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return {url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen};
}

describe('lcdFetch', () => {
  it('GET and POST with headers and body; ok, status, headers, json and text as fetch gives them', async () => {
    const {url, seen} = await serve((s, res) => {
      res.writeHead(s.url === '/missing' ? 404 : 200, {'content-type': 'application/json', 'x-answer': 'yes'});
      res.end(JSON.stringify({method: s.method, body: s.body}));
    });
    const get = await lcdFetch(`${url}/a?x=1`);
    expect(get.ok).toBe(true);
    expect(get.status).toBe(200);
    expect(get.headers.get('X-Answer')).toBe('yes');
    expect(get.headers.get('nothing')).toBeNull();
    expect(await get.json()).toEqual({method: 'GET', body: ''});
    await expect(get.text()).rejects.toThrow(/already been read/);

    const post = await lcdFetch(new URL(`${url}/b`), {method: 'post', headers: {'Content-Type': 'application/json'}, body: '{"k":1}'});
    expect(JSON.parse(await post.text())).toEqual({method: 'POST', body: '{"k":1}'});
    expect(seen[1]!.headers['content-type']).toBe('application/json');

    const bytes = await lcdFetch({url: `${url}/c`}, {method: 'POST', headers: [['x-a', '1']], body: new TextEncoder().encode('raw')});
    expect(JSON.parse(Buffer.from(await bytes.arrayBuffer()).toString())).toEqual({method: 'POST', body: 'raw'});
    expect(seen[2]!.headers['x-a']).toBe('1');

    const missing = await lcdFetch(`${url}/missing`);
    expect(missing.ok).toBe(false);
    expect(missing.status).toBe(404);
  });

  it('follows redirects: 307 keeps the method and body, 303 turns into a GET; too many fail', async () => {
    const {url, seen} = await serve((s, res) => {
      if (s.url === '/307') res.writeHead(307, {location: '/end'}).end();
      else if (s.url === '/303') res.writeHead(303, {location: `/end`}).end();
      else if (s.url === '/loop') res.writeHead(302, {location: '/loop'}).end();
      else res.writeHead(200).end(`${s.method} ${s.body}`);
    });
    const r307 = await lcdFetch(`${url}/307`, {method: 'POST', body: 'x'});
    expect(await r307.text()).toBe('POST x');
    expect(r307.redirected).toBe(true);
    expect(r307.url).toBe(`${url}/end`);
    expect(await (await lcdFetch(`${url}/303`, {method: 'POST', body: 'x'})).text()).toBe('GET ');
    const loop = await lcdFetch(`${url}/loop`).catch((e: unknown) => e);
    expect(loop).toBeInstanceOf(TypeError);
    expect((loop as Error).message).toBe('fetch failed');
    expect(seen.filter((s) => s.url === '/loop').length).toBe(21);
  });

  it('a refused connection is TypeError("fetch failed") with the system error as its cause', async () => {
    const port = await closedPort();
    const err = (await lcdFetch(`http://127.0.0.1:${port}/x`).catch((e: unknown) => e)) as TypeError & {cause?: {code?: string}};
    expect(err).toBeInstanceOf(TypeError);
    expect(err.message).toBe('fetch failed');
    expect(err.cause?.code).toBe('ECONNREFUSED');
  });

  it('an aborted or timed-out signal rejects with its reason and closes the request', async () => {
    const {url} = await serve(() => undefined); // never answers
    const timeout = (await lcdFetch(`${url}/slow`, {signal: AbortSignal.timeout(50)}).catch((e: unknown) => e)) as Error;
    expect(timeout.name).toBe('TimeoutError');
    const c = new AbortController();
    c.abort(new Error('stop'));
    await expect(lcdFetch(`${url}/slow`, {signal: c.signal})).rejects.toThrow('stop');
  });

  it('a contract query through the chain client does not start the runtime fetch (undici), nor TLS for an http:// node', async () => {
    fake = await startFakeLcd({onQuery: () => ({text: '{"ok":true}'})});
    const script = `
      const {readClient} = await import(${JSON.stringify(path.join(repoRoot, 'dist', 'src', 'lib', 'chain', 'client.js'))});
      const chain = readClient({name: 'remote-test', chainId: 'remote-1', lcdUrl: process.argv[1], gasPrice: '0.1', contracts: {}, attestation: {allowDev: false, strict: false}, allowTestKeyring: false});
      const answer = await chain.queryContract({address: 'secret1k0jntykt7e4g3y88ltc60czgjuqdy4c9e8fzek', codeHash: 'af74387e276be8874f07bec3a87023ee49b0e7ebe08178c49d0a49c3c98ed60e'}, {q: {}});
      console.log(JSON.stringify({answer, undici: process.moduleLoadList.some((m) => m.includes('undici')), tls: process.moduleLoadList.includes('NativeModule tls')}));`;
    const {stdout} = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script, fake.url], {cwd: repoRoot});
    expect(JSON.parse(stdout)).toEqual({answer: {ok: true}, undici: false, tls: false});
  });
});
