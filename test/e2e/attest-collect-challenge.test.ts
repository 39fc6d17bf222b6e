import {writeFileSync} from 'node:fs';
import path from 'node:path';
import {afterAll, describe, expect, it} from '@jest/globals';
import {makeTlsCert} from '../attest/fetch-server.js';
import {runCli, tempHome} from '../helpers/cli.js';

// Without --challenge, attest collect asks the network's WorkerManager through the contract-client layer.
const home = tempHome('secretai-collect-challenge-');
afterAll(async () => {
  await runCli(['devnet', 'stop', '--home', home]);
});

describe('attest collect: the registration challenge', () => {
  it('comes from the WorkerManager; when the chain cannot give one, the error says so and names --challenge; --challenge overrides', async () => {
    const cert = path.join(home, 'tls.pem');
    writeFileSync(cert, makeTlsCert('w').certPem);
    await runCli(['keys', 'add', 'w', '--keyring-backend', 'test', '--home', home]);
    const args = ['attest', 'collect', '--dev', '--out', path.join(home, 'b.json'), '--tls-cert', cert, '--from', 'w', '--home', home];

    // No devnet configured: the WorkerManager is not known on this profile.
    const none = await runCli([...args, '--json']);
    expect(none.code).toBe(2);
    expect(JSON.parse(none.stdout).error).toMatchObject({code: 'CHALLENGE_UNAVAILABLE', suggestion: expect.stringContaining('--challenge')});

    // On the devnet the WorkerManager issues the challenge: the evidence binds it.
    expect((await runCli(['devnet', 'start', '--detach', '--port', '0', '--home', home])).code).toBe(0);
    const r = await runCli([...args, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).binding.challenge).toMatch(/^[0-9a-f]{64}$/);

    const ok = await runCli([...args, '--challenge', 'c0ffee', '--json']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({dev: true, binding: {challenge: 'c0ffee'}});
  });
});
