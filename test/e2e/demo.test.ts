import {describe, expect, it} from '@jest/globals';
import {runCli} from '../helpers/cli.js';

/** Every step the demo must run, in order, by the prefix of its name. */
const STEPS = [
  'keys:', 'devnet:', 'devnet fund:', 'attest collect --dev:', 'attest verify:', 'worker register:', 'deposit:',
  'subscribe --plan basic:', 'apikey create:', 'worker serve:', 'chat:', 'worker report:', 'devnet advance + epoch close:', 'rewards claim:',
];

describe('secretai demo', () => {
  it('runs the whole flow on a throw-away devnet: every step ok, none left unbuilt', async () => {
    const r = await runCli(['demo', '--json'], {timeoutMs: 180_000});
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout) as {ok: boolean; steps: Array<{name: string; status: string; detail: string}>; notBuilt: string[]};
    expect(s.ok).toBe(true);
    expect(s.notBuilt).toEqual([]);
    expect(s.steps.map((x) => STEPS.find((p) => x.name.startsWith(p)))).toEqual(STEPS);
    for (const step of s.steps) expect(step).toMatchObject({status: 'ok'});
    const detail = (p: string) => s.steps.find((x) => x.name.startsWith(p))!.detail;
    expect(detail('attest verify:')).toMatch(/^valid, \d+ checks, dev attestation \(not hardware\)/);
    expect(detail('deposit:')).toMatch(/prepaid balance 2000000/);
    expect(detail('worker serve:')).toMatch(/API keys: subscription/);
    expect(detail('chat:')).toMatch(/attestation valid .*TLS pinned: "Once upon a time, there was a little girl.*record countersigned and handed back/);
    expect(detail('worker report:')).toMatch(/^1 record\(s\) accepted, weight [1-9]\d*/);
    expect(detail('devnet advance + epoch close:')).toMatch(/closed: revenue [1-9]\d*/);
    expect(detail('rewards claim:')).toMatch(/^[1-9]\d* token base units to worker 1/);
  });
});
