/** Reads the shared attestation vectors (vectors.json + the files it names) for the pipeline and CLI tests. */
import {readFileSync} from 'node:fs';
import {sharedPath} from '../helpers/shared.js';

export const fixture = (...p: string[]): string => sharedPath('fixtures', 'attestation', ...p);
export const readFixture = (p: string): Buffer => readFileSync(fixture(p));
export const readFixtureText = (p: string): string => readFileSync(fixture(p), 'utf8');

export interface Vectors {
  tdx: {id: string; quote: string; quoteEncoding: string; collateral: string | null; verifyAt?: number; window?: [number, number]; expected: Record<string, unknown>; negative?: {collateral: string; verifyAt: number; verdict: string}}[];
  sevSnp: {id: string; report: string; vcek: string | null; chain: string; crl: string; product: string; verifyAt?: number; expected: Record<string, unknown>}[];
  nvidia: {id: string; json?: string; evidence?: string; chain?: string; verifyAt: number; expected: {nonce: string}; negative?: {nonce: string}}[];
}

export function vectors(): Vectors {
  return JSON.parse(readFixtureText('vectors.json')) as Vectors;
}

/** Unix seconds used for vectors that name no verify-at time (T4, S3): inside the Milan CRL window. */
export const DEFAULT_AT = 1788220800;
