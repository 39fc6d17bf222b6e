import {expect, it} from '@jest/globals';
import {runCli} from '../helpers/cli.js';
import {describeShared} from '../helpers/shared.js';

interface Step {
  name: string;
  status: string;
  detail: string;
}

/** The steps this version's demo must run, in this order; later steps may follow as they are built. */
const MUST_RUN = ['keys:', 'devnet:', 'devnet fund:', 'attest collect --dev:', 'attest verify:', 'worker register:', 'worker serve:', 'deposit:', 'subscribe --plan basic:', 'apikey create:'];

describeShared('models/stories260K')('secretai demo', () => {
  it('runs the built steps in order on a throw-away devnet, and no step fails', async () => {
    const r = await runCli(['demo', '--json'], {timeoutMs: 120_000});
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout) as {ok: boolean; steps: Step[]; notBuilt: string[]};
    expect(s.ok).toBe(true);
    // The required steps are the first ones, each ok: none may be missing, reordered, skipped or not built.
    expect(s.steps.slice(0, MUST_RUN.length).map((x) => [MUST_RUN.find((p) => x.name.startsWith(p)) ?? x.name, x.status])).toEqual(MUST_RUN.map((p) => [p, 'ok']));
    // Whatever comes later is either done or plainly not built; nothing failed.
    for (const x of s.steps) expect(['ok', 'not-built']).toContain(x.status);
    for (const x of s.steps.filter((y) => y.status === 'not-built')) expect(x.detail).toMatch(/not built yet/);
    const byPrefix = (p: string) => s.steps.find((x) => x.name.startsWith(p));
    expect(byPrefix('attest verify:')?.detail).toMatch(/^valid, \d+ checks, dev attestation \(not hardware\)/);
    expect(byPrefix('deposit:')?.detail).toMatch(/prepaid balance 2000000/);
    expect(byPrefix('worker serve:')?.detail).toMatch(/", there was a little girl.*signature valid/);
  });
});
