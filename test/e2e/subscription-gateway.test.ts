/**
 * Subscriptions as a worker gateway sees them (issue: subscriptions), end to end on a devnet: `worker serve`
 * checks bearer keys against the SubscriptionManager's `api_key_status` — a key from `apikey create` is served; a
 * revoked key, an unknown key and no key are 401; once the plan's period has passed (`devnet advance`), a key of
 * the expired subscription is 402 and `subscription status` says expired. The gateway has no dev key here.
 */
import {afterAll, beforeAll, expect, it} from '@jest/globals';
import path from 'node:path';
import {rmSync} from 'node:fs';
import {runCli, tempHome} from '../helpers/cli.js';
import {describeShared} from '../helpers/shared.js';
import {freePort, rawHttps, spawnCliServer, type CliServer} from '../worker/gateway-helpers.js';

const MODEL = 'stories260K';
const T = 180_000;
/** The devnet's `basic` plan lasts 30 days; one more day puts it past its expiry. */
const PAST_PERIOD_SECONDS = 31 * 24 * 3600;

describeShared('models/stories260K')('worker serve checks API keys against subscriptions (devnet)', () => {
  const home = tempHome('secretai-subgw-');
  const cli = (args: string[]) => runCli([...args, '--home', home], {timeoutMs: T});
  const ok = async (args: string[]) => {
    const r = await cli([...args, '--json']);
    if (r.code !== 0) throw new Error(`${args.join(' ')}: exit ${r.code}: ${r.stderr}`);
    return JSON.parse(r.stdout) as Record<string, unknown>;
  };
  let gw: CliServer | undefined;
  let url = '';
  const chat = (key?: string) =>
    rawHttps(`${url}/v1/chat/completions`, 'POST', {model: MODEL, messages: [{role: 'user', content: 'Once upon a time'}], max_tokens: 4, temperature: 0}, key ? {authorization: `Bearer ${key}`} : {});

  beforeAll(async () => {
    await ok(['devnet', 'start', '--detach', '--port', '0']);
    for (const k of ['operator', 'user']) {
      await ok(['keys', 'add', k, '--keyring-backend', 'test']);
      await ok(['devnet', 'fund', k]);
    }
    const bundle = path.join(home, 'bundle.json');
    await ok(['attest', 'collect', '--dev', '--out', bundle, '--from', 'operator']);
    const port = await freePort();
    await ok(['worker', 'register', '--url', `https://127.0.0.1:${port}`, '--model', MODEL, '--attestation', bundle, '--stake', '1000000', '--from', 'operator']);
    gw = await spawnCliServer(['worker', 'serve', '--from', 'operator', '--home', home, '--json', '--port', String(port)], {});
    url = gw.ready.url as string;
  }, 2 * T);

  afterAll(async () => {
    if (gw && gw.child.exitCode === null && gw.child.signalCode === null) gw.child.kill('SIGKILL');
    await cli(['devnet', 'stop']);
    rmSync(home, {recursive: true, force: true});
  }, T);

  it('serves a subscriber\'s key; revoked, unknown and missing keys are 401; an expired subscription is 402', async () => {
    expect(gw!.ready).toMatchObject({apiKeys: 'subscription'});
    await ok(['subscribe', '--plan', 'basic', '--yes', '--from', 'user']);
    const served = (await ok(['apikey', 'create', '--from', 'user'])).key as string;
    const revoked = (await ok(['apikey', 'create', '--from', 'user'])) as {key: string; keyHash: string};
    const later = (await ok(['apikey', 'create', '--from', 'user'])).key as string;

    const r = await chat(served);
    expect(r.status).toBe(200);
    expect((JSON.parse(r.body) as {choices: Array<{message: {content: string}}>}).choices[0]!.message.content.length).toBeGreaterThan(0);

    await ok(['apikey', 'revoke', revoked.keyHash, '--from', 'user']);
    const refused = await chat(revoked.key);
    expect(refused.status).toBe(401);
    expect(refused.body).toMatch(/revoked/);
    expect((await chat('sai_not-a-key-anyone-created')).status).toBe(401);
    expect((await chat()).status).toBe(401);

    await ok(['devnet', 'advance', '--seconds', String(PAST_PERIOD_SECONDS)]);
    expect(await ok(['subscription', 'status', '--from', 'user'])).toMatchObject({active: false, status: 'expired'});
    const expired = await chat(later);
    expect(expired.status).toBe(402);
    expect(expired.body).toMatch(/expired/);
  }, 2 * T);
});
