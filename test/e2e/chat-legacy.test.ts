/**
 * `secretai chat` on a profile whose worker manager is the existing Secret AI contract (no `get_next_worker`: the
 * devnet's WorkerManager stands in for it through `get_u_r_ls`), against local fake SecretVM workers:
 * - a `worker serve` gateway serving dev evidence in the SecretVM format (`/cpu`, `/gpu`) under its own attested
 *   certificate, and the Ollama API: chat verifies it, pins its key and prints the golden text;
 * - a server serving the shared real Secret AI worker quote (and GPU evidence) behind a certificate that is not the
 *   attested one: refused (exit 4) before anything is sent — it never sees a request other than the evidence GETs;
 * - the same gateway on a profile without dev attestation: refused, nothing sent.
 */
import {afterAll, beforeAll, expect, it} from '@jest/globals';
import {readFileSync, rmSync, writeFileSync} from 'node:fs';
import https from 'node:https';
import type {AddressInfo} from 'node:net';
import path from 'node:path';
import {devMeasurementPolicy} from '../../src/attest/dev/measurements.js';
import {runCli, tempHome} from '../helpers/cli.js';
import {describeShared, sharedPath} from '../helpers/shared.js';
import {freePort, spawnCliServer, type CliServer} from '../worker/gateway-helpers.js';
import {strangerTls} from '../chat/fronts.js';

const GOLDEN = ", there was a little girl named Lily. She loved to play outside in the park. One day, she saw a big, red ball. She wanted to play with it, but it was too high.\nLily's mom said";
const MODEL = 'stories260K';
const T = 180_000;

interface Recorded {
  method: string;
  url: string;
  body: string;
}

/** A fake Secret AI worker: the shared real quote and GPU evidence behind a stranger's certificate; records every request. */
async function fakeRealWorker(): Promise<{url: string; requests: Recorded[]; close(): Promise<void>}> {
  const quote = readFileSync(sharedPath('fixtures', 'attestation', 'tdx', 'secretai-worker-tdx-v4.quote.hex'), 'utf8').trim();
  const gpu = readFileSync(sharedPath('fixtures', 'attestation', 'nvidia', 'secretai-worker-gpu-evidence.json'), 'utf8');
  const requests: Recorded[] = [];
  const server = https.createServer(await strangerTls(), (req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => (body += d));
    req.on('end', () => {
      requests.push({method: req.method ?? '', url: req.url ?? '', body});
      if (req.method === 'GET' && req.url === '/cpu') res.end(quote);
      else if (req.method === 'GET' && req.url === '/gpu') res.end(gpu);
      else {
        res.statusCode = 404;
        res.end('{}');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

describeShared('models/stories260K')('secretai chat with the existing Secret AI deployment', () => {
  describeShared('fixtures/attestation')('against local fake SecretVM workers', () => {
    const home = tempHome('secretai-chat-legacy-');
    const cli = (args: string[], env: Record<string, string> = {}) => runCli([...args, '--home', home], {env, timeoutMs: T});
    let gateway: CliServer | undefined;
    let fake: Awaited<ReturnType<typeof fakeRealWorker>>;
    let apiKey = '';
    let honestUrl = '';

    const ok = async (args: string[]) => {
      const r = await cli([...args, '--json']);
      if (r.code !== 0) throw new Error(`${args.join(' ')}: exit ${r.code}: ${r.stderr}`);
      return JSON.parse(r.stdout) as Record<string, unknown>;
    };
    const chat = (network: string, extra: string[] = []) =>
      cli(['chat', 'Once upon a time', '--model', MODEL, '--temperature', '0', '--max-tokens', '64', '--network', network, ...extra], {SECRETAI_API_KEY: apiKey});

    beforeAll(async () => {
      await ok(['devnet', 'start', '--detach', '--port', '0']);
      for (const k of ['op1', 'op2', 'user']) {
        await ok(['keys', 'add', k, '--keyring-backend', 'test']);
        await ok(['devnet', 'fund', k]);
      }
      await ok(['subscribe', '--plan', 'basic', '--yes', '--from', 'user']);
      apiKey = (await ok(['apikey', 'create', '--from', 'user'])).key as string;
      fake = await fakeRealWorker();
      const port = await freePort();
      honestUrl = `https://127.0.0.1:${port}`;
      for (const [op, url] of [['op1', honestUrl], ['op2', fake.url]] as const) {
        const bundle = path.join(home, `${op}-bundle.json`);
        await ok(['attest', 'collect', '--dev', '--out', bundle, '--from', op]);
        await ok(['worker', 'register', '--url', url, '--model', MODEL, '--attestation', bundle, '--stake', '1000000', '--from', op]);
      }
      gateway = await spawnCliServer(['worker', 'serve', '--from', 'op1', '--home', home, '--json', '--port', String(port)]);
      // Profiles that know only the existing deployment's contract (the devnet's WorkerManager answers get_u_r_ls).
      const local = JSON.parse((await cli(['network', 'show', 'local', '--json'])).stdout) as {lcdUrl: string; chainId: string; contracts: {workerManager: {address: string}}};
      const file = path.join(home, 'config.json');
      const cfg = JSON.parse(readFileSync(file, 'utf8'));
      const legacy = (name: string, allowDev: boolean) => ({
        name, lcdUrl: local.lcdUrl, chainId: local.chainId, gasPrice: '0.1', allowTestKeyring: true,
        attestation: {allowDev, strict: false, measurements: devMeasurementPolicy()},
        contracts: {legacyWorkerManager: {address: local.contracts.workerManager.address}},
      });
      cfg.networks.legacydev = legacy('legacydev', true);
      cfg.networks.legacyprod = legacy('legacyprod', false);
      writeFileSync(file, JSON.stringify(cfg, null, 2));
    }, 4 * T);

    afterAll(async () => {
      if (gateway && gateway.child.exitCode === null && gateway.child.signalCode === null) gateway.child.kill('SIGKILL');
      await fake?.close();
      await cli(['devnet', 'stop']);
      rmSync(home, {recursive: true, force: true});
    }, T);

    const sentToFake = () => fake.requests.filter((r) => !(r.method === 'GET' && (r.url === '/cpu' || r.url === '/gpu')));

    it('verifies the SecretVM evidence of the dev worker, pins its key and streams the golden text over the Ollama API', async () => {
      const plain = await chat('legacydev');
      expect(plain.code).toBe(0);
      expect(plain.stdout).toBe(GOLDEN + '\n');
      expect(plain.stderr).toMatch(/existing Secret AI deployment/);

      const r = await chat('legacydev', ['--json']);
      expect(r.code).toBe(0);
      const j = JSON.parse(r.stdout) as {worker: {id: string | null; url: string}; content: string; attestation: {verdict: string; dev: boolean}; record: unknown; failover: Array<{id: string}>};
      expect(j).toMatchObject({worker: {id: null, url: honestUrl}, content: GOLDEN, attestation: {verdict: 'valid', dev: true}, record: null});
      // When the fake was tried first it was refused: the answer is the dev worker's alone.
      for (const f of j.failover) expect(f.id).toBe(fake.url);
      expect(sentToFake()).toEqual([]);
    }, T);

    it('refuses the real quote behind a certificate that is not the attested one (exit 4), sending it nothing', async () => {
      gateway!.child.kill('SIGTERM');
      await new Promise((resolve) => gateway!.child.once('exit', resolve));
      const before = fake.requests.length;
      const r = await chat('legacydev');
      expect(r.code).toBe(4);
      expect(r.stdout).toBe('');
      const last = r.stderr.trim().split('\n').pop()!;
      expect(last).toMatch(/^Error: verification failed/);
      expect(last).toContain(fake.url);
      // It was asked for its evidence (that is how it was judged), and for nothing else.
      expect(fake.requests.length).toBeGreaterThan(before);
      expect(sentToFake()).toEqual([]);
    }, T);

    it('does not accept dev evidence on a profile without dev attestation', async () => {
      gateway = await spawnCliServer(['worker', 'serve', '--from', 'op1', '--home', home, '--json', '--port', honestUrl.split(':').pop()!]);
      const r = await chat('legacyprod');
      expect(r.code).toBe(4);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n').pop()).toMatch(/^Error: verification failed.*dev/);
      expect(sentToFake()).toEqual([]);
    }, T);
  });
});
