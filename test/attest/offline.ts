import {expect} from '@jest/globals';

interface CheckLike {
  name: string;
  ok: boolean;
  missing?: boolean;
}

/** The NVIDIA steps that need NVIDIA's services (RIM, OCSP): offline they are missing, never passed. */
export const ONLINE_ONLY = ['nvidia.rim', 'nvidia.ocsp'];

/**
 * Asserts a result is as good as it can be offline: nothing failed, and the only checks that could not run
 * are NVIDIA's online-only steps (so the verdict is `unverifiable`, not `valid`).
 */
export function expectValidOffline(r: {verdict: string; checks: CheckLike[]}): void {
  expect(r.checks.filter((c) => !c.ok && !c.missing).map((c) => c.name)).toEqual([]);
  expect([...new Set(r.checks.filter((c) => c.missing).map((c) => c.name))].sort()).toEqual([...ONLINE_ONLY].sort());
  expect(r.verdict).toBe('unverifiable');
}
