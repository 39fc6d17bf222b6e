import {describe, expect, it} from '@jest/globals';
import {runCli} from '../helpers/cli.js';

describe('secretai demo', () => {
  it('runs every built step on a throw-away devnet and lists the rest as not built', async () => {
    const r = await runCli(['demo', '--json'], {timeoutMs: 120_000});
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout) as {ok: boolean; steps: Array<{name: string; status: string; detail: string}>; notBuilt: string[]};
    expect(s.ok).toBe(true);
    const byPrefix = (p: string) => s.steps.find((x) => x.name.startsWith(p));
    for (const p of ['keys:', 'devnet:', 'devnet fund:', 'attest collect --dev:', 'attest verify:', 'worker register:', 'worker serve:', 'deposit:']) {
      expect(byPrefix(p)).toMatchObject({status: 'ok'});
    }
    expect(byPrefix('attest verify:')?.detail).toMatch(/^valid, \d+ checks, dev attestation \(not hardware\)/);
    expect(byPrefix('deposit:')?.detail).toMatch(/prepaid balance 2000000/);
    expect(byPrefix('worker serve:')?.detail).toMatch(/", there was a little girl.*signature valid/);
    expect(byPrefix('chat:')).toMatchObject({status: 'ok', detail: expect.stringMatching(/attestation valid .*TLS pinned: "Once upon a time, there was a little girl.*record countersigned and handed back/)});
    // Whatever is not built is said to be so, step by step.
    expect(s.notBuilt).toEqual(s.steps.filter((x) => x.status === 'not-built').map((x) => x.name));
    for (const n of s.notBuilt) expect(byPrefix(n)?.detail).toMatch(/not built yet/);
  });
});
