/**
 * CPU time of sealing one contract query and opening its answer (`encrypt` + `decrypt`): the client's encryption
 * context on `node:crypto` (`src/lib/chain/seal.ts`) against secretjs's own `EncryptionUtilsImpl` (pure-JS
 * curve25519, miscreant AES-SIV, @noble/hashes HKDF), with the same seed and consensus IO key, in the same run.
 *
 * - warm: one query sealed and one answer opened, after a warm-up, in this process; samples of ten pairs,
 *   alternating between the two; median over the samples.
 * - first in a process: the same once in a fresh process (what one CLI command pays), and apart from it loading the
 *   module and building the context; medians over fresh processes.
 *
 * No network: the IO key is preset (secretjs's through the private field it caches the key in).
 * Run: `npm run build && node dist/bench/seal.js [samples] [processes]` (Node 22).
 */
import {spawnSync} from 'node:child_process';
import {generateKeyPairSync, randomBytes} from 'node:crypto';
import {fileURLToPath} from 'node:url';
import type {EncryptionUtils} from 'secretjs/dist/encryption.js';
import {median, report, spread} from './lib.js';

const CODE_HASH = 'af74387e276be8874f07bec3a87023ee49b0e7ebe08178c49d0a49c3c98ed60e';
/** A typical query and the answer text a node encrypts for it (base64 of the JSON answer). */
const QUERY = {balance_with_permit: {permit: {params: {permit_name: 'secretai', allowed_tokens: ['secret1k0jntykt7e4g3y88ltc60czgjuqdy4c9e8fzek'], chain_id: 'secretdev-1', permissions: ['balance']}, signature: {pub_key: {type: 'tendermint/PubKeySecp256k1', value: 'A'.repeat(44)}, signature: 'B'.repeat(88)}}, query: {balance: {}}}};
const ANSWER = new TextEncoder().encode(Buffer.from(JSON.stringify({balance: {amount: '1000000'}})).toString('base64'));

type Kind = 'seal' | 'secretjs';
/** Pairs per warm sample (one CPU reading each). */
const SAMPLE_PAIRS = 10;
const LABEL: Record<Kind, string> = {seal: 'seal.ts (node:crypto)', secretjs: 'secretjs EncryptionUtilsImpl'};

/** CPU microseconds (user + system) since `from`. */
function cpuSince(from: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(from);
  return d.user + d.system;
}

/** Builds a context of `kind` with the IO key preset; the module is loaded here (part of the first-use cost). */
async function context(kind: Kind, seed: Uint8Array, ioKey: Uint8Array): Promise<EncryptionUtils> {
  if (kind === 'seal') {
    const {Seal} = await import('../src/lib/chain/seal.js');
    const s = new Seal('http://127.0.0.1:1', seed);
    s.presetIoKey(ioKey);
    return s;
  }
  const {EncryptionUtilsImpl} = await import('secretjs/dist/encryption.js');
  const e = new EncryptionUtilsImpl('http://127.0.0.1:1', seed);
  (e as unknown as {consensusIoPubKey: Uint8Array}).consensusIoPubKey = ioKey;
  return e;
}

/** A node's answer (sealed under the key of a message with `nonce`) to open, made once with `ctx` (not timed). */
interface Answer {
  nonce: Uint8Array;
  sealed: Uint8Array;
}

async function makeAnswer(ctx: EncryptionUtils): Promise<Answer> {
  const {sivSeal} = await import('../src/lib/chain/seal.js');
  const nonce = new Uint8Array(randomBytes(32));
  return {nonce, sealed: sivSeal(await ctx.getTxEncryptionKey(nonce), ANSWER)};
}

/** CPU µs per pair of `count` pairs of sealing the query and opening `answer` with `ctx`. */
async function pairs(ctx: EncryptionUtils, answer: Answer, count: number): Promise<number> {
  const t0 = process.cpuUsage();
  for (let i = 0; i < count; i++) {
    await ctx.encrypt(CODE_HASH, QUERY);
    const plain = await ctx.decrypt(answer.sealed, answer.nonce);
    if (plain.length !== ANSWER.length) throw new Error('the answer did not open');
  }
  return cpuSince(t0) / count;
}

function newIoKey(): Uint8Array {
  const {publicKey} = generateKeyPairSync('x25519');
  return new Uint8Array(Buffer.from(publicKey.export({format: 'jwk'}).x!, 'base64url'));
}

/** Child: in this fresh process, loading the module and building the context, then one pair; prints both CPU µs. */
async function firstUse(kind: Kind, seedHex: string, ioKeyHex: string, nonceHex: string, sealedHex: string): Promise<void> {
  const hex = (h: string) => new Uint8Array(Buffer.from(h, 'hex'));
  const answer = {nonce: hex(nonceHex), sealed: hex(sealedHex)};
  const t0 = process.cpuUsage();
  const ctx = await context(kind, hex(seedHex), hex(ioKeyHex));
  const load = cpuSince(t0);
  process.stdout.write(`${load} ${await pairs(ctx, answer, 1)}\n`);
}

async function main(): Promise<void> {
  const samples = Number(process.argv[2] ?? 100);
  const processes = Number(process.argv[3] ?? 11);
  const seed = new Uint8Array(randomBytes(32));
  const ioKey = newIoKey();
  const ctx = {seal: await context('seal', seed, ioKey), secretjs: await context('secretjs', seed, ioKey)};
  const answer = await makeAnswer(ctx.seal);
  const warm: Record<Kind, number[]> = {seal: [], secretjs: []};
  for (const k of ['seal', 'secretjs'] as const) await pairs(ctx[k], answer, 200);
  for (let i = 0; i < samples; i++) for (const k of ['seal', 'secretjs'] as const) warm[k].push(await pairs(ctx[k], answer, SAMPLE_PAIRS));

  const load: Record<Kind, number[]> = {seal: [], secretjs: []};
  const cold: Record<Kind, number[]> = {seal: [], secretjs: []};
  const self = fileURLToPath(import.meta.url);
  for (let i = 0; i < processes; i++) {
    for (const k of ['seal', 'secretjs'] as const) {
      const args = [seed, ioKey, answer.nonce, answer.sealed].map((b) => Buffer.from(b).toString('hex'));
      const r = spawnSync(process.execPath, [self, '--first-use', k, ...args], {encoding: 'utf8'});
      if (r.status !== 0) throw new Error(`first-use child (${k}) failed: ${r.stderr}`);
      const [l, first] = r.stdout.trim().split(' ').map(Number);
      load[k].push(l!);
      cold[k].push(first!);
    }
  }

  const ms = (us: number) => us / 1000;
  for (const k of ['seal', 'secretjs'] as const) {
    console.log(`${LABEL[k].padEnd(30)} encrypt + decrypt: warm ${ms(median(warm[k])).toFixed(3)} ms, first in a process ${ms(median(cold[k])).toFixed(1)} ms; load + context ${ms(median(load[k])).toFixed(1)} ms (CPU)`);
  }
  const base = {warm: median(warm.secretjs), cold: median(cold.secretjs), load: median(load.secretjs)};
  report([
    ...(['seal', 'secretjs'] as const).map((k) => ({name: `encrypt + decrypt, warm: ${LABEL[k]}`, median: ms(median(warm[k])), spread: ms(spread(warm[k])), unit: 'ms CPU', ratio: median(warm[k]) / base.warm, baseline: 'secretjs EncryptionUtilsImpl'})),
    ...(['seal', 'secretjs'] as const).map((k) => ({name: `encrypt + decrypt, first in a process: ${LABEL[k]}`, median: ms(median(cold[k])), spread: ms(spread(cold[k])), unit: 'ms CPU', ratio: median(cold[k]) / base.cold, baseline: 'secretjs EncryptionUtilsImpl'})),
    ...(['seal', 'secretjs'] as const).map((k) => ({name: `module load + context, fresh process: ${LABEL[k]}`, median: ms(median(load[k])), spread: ms(spread(load[k])), unit: 'ms CPU', ratio: median(load[k]) / base.load, baseline: 'secretjs EncryptionUtilsImpl'})),
  ]);
}

const at = process.argv.indexOf('--first-use');
await (at >= 0 ? firstUse(process.argv[at + 1] as Kind, ...(process.argv.slice(at + 2, at + 6) as [string, string, string, string])) : main());
