/**
 * Collateral for verification, from a cache first and from Intel PCS / AMD KDS only when the caller allows
 * the network (design.md §2: "no network unless a caller passes a fetcher").
 *
 * - TDX collateral (per FMSPC and PCK CA) is cached with its validity; a cached copy is used while every
 *   part (TCB info, QE identity, both CRLs) is valid at `now`, and refreshed online when it is not.
 * - SEV-SNP: a VCEK is immutable per chip and TCB and its ASK/ARK chain per product (cached for good;
 *   the verifier still pins the ARK); the VCEK CRL is refreshed when stale.
 * - Offline, anything not cached (or cached but not valid at `now`) is reported as missing with a reason
 *   — the verification becomes `unverifiable`, never a silent pass.
 *
 * I/O is injected: a {@link CacheStorage} and, when online, the fetch clients.
 */
import {parseCrl} from '../../../attest/crl.js';
import {parseSnpReport, type SnpProduct} from '../../../attest/snp/report.js';
import {parseQeIdentity, parseTdxCollateral, parseTdxTcbInfo, tdxCollateralToJson, type TdxCollateral} from '../../../attest/tdx/collateral.js';
import {pckExtensionOf} from '../../../attest/tdx/pck.js';
import {parseTdxQuote} from '../../../attest/tdx/quote.js';
import type {Check} from '../../../attest/types.js';
import {readVcekInfo} from '../../../attest/snp/vcek.js';
import {isoTime, parseCertDer, parsePemChain} from '../../../attest/x509.js';
import {KDS_PRODUCTS, type AmdKdsClient, type VcekTcb} from './amd.js';
import {FetchError} from './http.js';
import type {IntelPcsClient, PckCa} from './intel.js';
import {cacheKey, type CacheStorage} from './storage.js';

/** Material found, with where it came from; or the reason it could not be had. */
export type Sourced<T> = {value: T; source: 'cache' | 'network'; detail: string; missing?: undefined} | {value?: undefined; missing: string};

/** Options of {@link CollateralSource}. */
export interface CollateralSourceOptions {
  storage: CacheStorage;
  /** Allow fetching what the cache lacks. */
  online: boolean;
  intel?: IntelPcsClient;
  amd?: AmdKdsClient;
  /** Fixed TDX collateral by FMSPC (lower-case hex) consulted before the cache, e.g. the devnet's dev collateral. */
  fixedTdx?: Map<string, TdxCollateral>;
}

/** Validity window of a TDX collateral: the intersection of its parts', Unix seconds. */
export function tdxCollateralWindow(c: TdxCollateral): {from: number; until: number} {
  const tcb = parseTdxTcbInfo(c.tcbInfo);
  const qe = parseQeIdentity(c.qeIdentity);
  const pck = parseCrl(c.pckCrl);
  const root = parseCrl(c.rootCaCrl);
  const until = Math.min(tcb.nextUpdate, qe.nextUpdate, pck.nextUpdate ?? -Infinity, root.nextUpdate ?? -Infinity);
  const from = Math.max(tcb.issueDate, qe.issueDate, pck.thisUpdate, root.thisUpdate);
  return {from, until};
}

/** What a TDX quote needs from PCS: its PCK certificate's FMSPC and which PCK CA issued it. */
export function tdxCollateralNeeds(quote: Uint8Array): {fmspc: string; ca: PckCa} {
  const q = parseTdxQuote(quote);
  if (!q.pckChainPem) throw new FetchError('the quote carries no PCK certificate chain (PPID certification data): its PCK certificate must come from PCS', 'not-found');
  const certs = parsePemChain(q.pckChainPem);
  const fmspc = pckExtensionOf(certs[0]).fmspc.toLowerCase();
  const issuer = certs[0].issuer;
  const ca: PckCa = /Processor CA/i.test(issuer) ? 'processor' : 'platform';
  return {fmspc, ca};
}

/** What an SEV-SNP report needs from KDS: candidate products, CHIP_ID and REPORTED_TCB. */
export function snpVcekNeeds(report: Uint8Array): {products: SnpProduct[]; chipId: Uint8Array; tcb: VcekTcb} {
  const r = parseSnpReport(report);
  const raw = r.reportedTcbRaw;
  const products = r.cpuidProduct ? [r.cpuidProduct] : [...KDS_PRODUCTS];
  return {products, chipId: r.chipId, tcb: {bl: raw[0], tee: raw[1], snp: raw[6], ucode: raw[7]}};
}

interface CachedTdx {
  fetchedAt: number;
  collateral: Record<string, string>;
}

const utf8 = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));
const text = (b: Uint8Array) => Buffer.from(b).toString('utf8');

function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Cache-first access to collateral. */
export class CollateralSource {
  constructor(private readonly opts: CollateralSourceOptions) {}

  get online(): boolean {
    return this.opts.online;
  }

  private offlineHint(what: string): string {
    return `${what} is not in the cache and the network is not allowed (rerun with --online to fetch it)`;
  }

  /** TDX collateral valid at `now` for an FMSPC/CA. */
  async tdx(fmspc: string, ca: PckCa, now: number): Promise<Sourced<TdxCollateral>> {
    const f = fmspc.toLowerCase();
    const fixed = this.opts.fixedTdx?.get(f);
    if (fixed) return {value: fixed, source: 'cache', detail: `collateral for FMSPC ${f} from the devnet's dev roots`};
    const key = cacheKey('tdx', `${f}-${ca}.json`);
    let stale: string | undefined;
    const hit = await this.opts.storage.get(key);
    if (hit) {
      try {
        const doc = JSON.parse(text(hit)) as CachedTdx;
        const c = parseTdxCollateral(doc.collateral);
        const w = tdxCollateralWindow(c);
        if (w.from <= now && now <= w.until) return {value: c, source: 'cache', detail: `cached collateral for FMSPC ${f} (valid ${isoTime(w.from)} .. ${isoTime(w.until)})`};
        stale = `cached collateral for FMSPC ${f} is valid ${isoTime(w.from)} .. ${isoTime(w.until)}, not at ${isoTime(now)}`;
      } catch (e) {
        stale = `cached collateral for FMSPC ${f} is unreadable (${errText(e)})`;
      }
    }
    if (!this.opts.online || !this.opts.intel) {
      return {missing: stale ? `${stale}; the network is not allowed (rerun with --online to refresh it)` : this.offlineHint(`TDX collateral for FMSPC ${f} (${ca} CA)`)};
    }
    let c: TdxCollateral;
    try {
      c = await this.opts.intel.tdxCollateral(f, ca);
    } catch (e) {
      return {missing: `TDX collateral for FMSPC ${f}: ${errText(e)}`};
    }
    let w: {from: number; until: number};
    try {
      w = tdxCollateralWindow(c);
    } catch (e) {
      return {missing: `TDX collateral for FMSPC ${f} from ${this.opts.intel.baseUrl} is malformed: ${errText(e)}`};
    }
    const doc: CachedTdx = {fetchedAt: Math.floor(now), collateral: tdxCollateralToJson(c)};
    await this.opts.storage.put(key, utf8(JSON.stringify(doc)));
    if (!(w.from <= now && now <= w.until)) {
      return {missing: `TDX collateral for FMSPC ${f} from ${this.opts.intel.baseUrl} is valid ${isoTime(w.from)} .. ${isoTime(w.until)}, not at ${isoTime(now)}`};
    }
    return {value: c, source: 'network', detail: `collateral for FMSPC ${f} fetched from ${this.opts.intel.baseUrl}`};
  }

  /** The VCEK (DER) for a chip at a reported TCB; tries each candidate product online. */
  async snpVcek(products: SnpProduct[], chipId: Uint8Array, tcb: VcekTcb): Promise<Sourced<Uint8Array> & {product?: SnpProduct}> {
    const id = Buffer.from(chipId).toString('hex');
    const tcbTag = `${tcb.bl}-${tcb.tee}-${tcb.snp}-${tcb.ucode}`;
    for (const p of products) {
      const hit = await this.opts.storage.get(cacheKey('snp', p, `vcek-${id.slice(0, 32)}-${tcbTag}.der`));
      if (hit) return {value: hit, source: 'cache', detail: `cached ${p} VCEK`, product: p};
    }
    const what = `the VCEK for chip ${id.slice(0, 16)}… at TCB bl ${tcb.bl}, tee ${tcb.tee}, snp ${tcb.snp}, ucode ${tcb.ucode}`;
    if (!this.opts.online || !this.opts.amd) return {missing: this.offlineHint(what)};
    const errors: string[] = [];
    for (const p of products) {
      try {
        const der = await this.opts.amd.vcek(p, chipId, tcb);
        await this.opts.storage.put(cacheKey('snp', p, `vcek-${id.slice(0, 32)}-${tcbTag}.der`), der);
        return {value: der, source: 'network', detail: `${p} VCEK fetched from ${this.opts.amd.baseUrl}`, product: p};
      } catch (e) {
        errors.push(errText(e));
        if (!(e instanceof FetchError) || e.failure !== 'not-found') break;
      }
    }
    return {missing: `${what}: ${errors.join('; ')}`};
  }

  /** The ASK/ARK chain of a product (PEM). */
  async snpChain(product: SnpProduct): Promise<Sourced<string>> {
    const key = cacheKey('snp', product, 'cert_chain.pem');
    const hit = await this.opts.storage.get(key);
    if (hit) return {value: text(hit), source: 'cache', detail: `cached ${product} ASK/ARK chain`};
    if (!this.opts.online || !this.opts.amd) return {missing: this.offlineHint(`the ${product} ASK/ARK chain`)};
    try {
      const pem = await this.opts.amd.certChain(product);
      await this.opts.storage.put(key, utf8(pem));
      return {value: pem, source: 'network', detail: `${product} ASK/ARK chain fetched from ${this.opts.amd.baseUrl}`};
    } catch (e) {
      return {missing: `${product} ASK/ARK chain: ${errText(e)}`};
    }
  }

  /** The product's VCEK CRL, valid at `now` (DER). */
  async snpCrl(product: SnpProduct, now: number): Promise<Sourced<Uint8Array>> {
    const key = cacheKey('snp', product, 'crl.der');
    const hit = await this.opts.storage.get(key);
    let stale: string | undefined;
    if (hit) {
      try {
        const crl = parseCrl(hit);
        if (crl.thisUpdate <= now && crl.nextUpdate !== undefined && now <= crl.nextUpdate) return {value: hit, source: 'cache', detail: `cached ${product} CRL (next update ${isoTime(crl.nextUpdate)})`};
        stale = `cached ${product} CRL is valid ${isoTime(crl.thisUpdate)} .. ${isoTime(crl.nextUpdate ?? NaN)}, not at ${isoTime(now)}`;
      } catch (e) {
        stale = `cached ${product} CRL is unreadable (${errText(e)})`;
      }
    }
    if (!this.opts.online || !this.opts.amd) return {missing: stale ? `${stale}; the network is not allowed (rerun with --online)` : this.offlineHint(`the ${product} VCEK CRL`)};
    try {
      const der = await this.opts.amd.crl(product);
      parseCrl(der);
      await this.opts.storage.put(key, der);
      return {value: der, source: 'network', detail: `${product} CRL fetched from ${this.opts.amd.baseUrl}`};
    } catch (e) {
      return {missing: `${product} CRL: ${errText(e)}`};
    }
  }
}

/** CPU material gathered for a verification, plus checks saying where each piece came from. */
export interface GatheredCollateral {
  collateral?: TdxCollateral;
  vcek?: Uint8Array;
  certChain?: string;
  crl?: Uint8Array;
  /** `collateral.*` checks: passed (source named) or missing (reason, e.g. offline). */
  checks: Check[];
}

/**
 * Completes the material a CPU quote/report needs, for whatever `have` lacks, from `source`.
 * Parsing problems of the evidence itself are left to the verifier (nothing is gathered for them).
 */
export async function gatherCollateral(
  source: CollateralSource,
  cpu: {kind: 'tdx' | 'snp'; bytes: Uint8Array},
  now: number,
  /** What the caller already has; a supplied VCEK (its DER) also names the product of a v2 report. */
  have: {collateral?: boolean; vcek?: boolean | Uint8Array; certChain?: boolean; crl?: boolean} = {},
): Promise<GatheredCollateral> {
  const out: GatheredCollateral = {checks: []};
  const record = <T>(name: string, r: Sourced<T>): T | undefined => {
    if (r.missing === undefined) {
      out.checks.push({name, ok: true, detail: `${r.detail} (${r.source})`});
      return r.value;
    }
    out.checks.push({name, ok: false, missing: true, detail: r.missing});
    return undefined;
  };
  if (cpu.kind === 'tdx') {
    if (have.collateral) return out;
    let needs: {fmspc: string; ca: PckCa};
    try {
      needs = tdxCollateralNeeds(cpu.bytes);
    } catch (e) {
      if (e instanceof FetchError) out.checks.push({name: 'collateral.tdx', ok: false, missing: true, detail: e.message});
      return out;
    }
    out.collateral = record('collateral.tdx', await source.tdx(needs.fmspc, needs.ca, now));
    return out;
  }
  let needs: ReturnType<typeof snpVcekNeeds>;
  try {
    needs = snpVcekNeeds(cpu.bytes);
  } catch {
    return out;
  }
  let product: SnpProduct | undefined = needs.products.length === 1 ? needs.products[0] : undefined;
  if (!product && have.vcek instanceof Uint8Array) {
    try {
      product = readVcekInfo(parseCertDer(have.vcek)).product;
    } catch {
      /* a malformed VCEK is reported by the verifier */
    }
  }
  if (!have.vcek) {
    const v = await source.snpVcek(needs.products, needs.chipId, needs.tcb);
    out.vcek = record('collateral.vcek', v);
    product ??= v.product;
  }
  if (!product) {
    if (!have.certChain || !have.crl) out.checks.push({name: 'collateral.product', ok: false, missing: true, detail: 'the report does not name its product (version 2) and the VCEK does not name it either'});
    return out;
  }
  if (!have.certChain) out.certChain = record('collateral.chain', await source.snpChain(product));
  if (!have.crl) out.crl = record('collateral.crl', await source.snpCrl(product, now));
  return out;
}
