/**
 * AMD KDS (Key Distribution Service) client for SEV-SNP (attestation.md §2.2): the VCEK for a chip and
 * reported TCB, the ASK/ARK chain and the VCEK CRL of a product. KDS rate-limits (HTTP 429); requests go
 * through a {@link Throttle} (one at a time per host, spaced, Retry-After honoured).
 */
import {decodeDerOrPem} from '../../../attest/detect.js';
import type {SnpProduct} from '../../../attest/snp/report.js';
import {parsePemChain} from '../../../attest/x509.js';
import {bodyText, FetchError, type HttpResponse} from './http.js';
import type {Throttle} from './throttle.js';

/** AMD's public KDS. */
export const AMD_KDS_URL = 'https://kdsintf.amd.com';
/** CHIP_ID size in the report, bytes (hwID in the VCEK URL, hex). */
const CHIP_ID_SIZE = 64;
const HTTP_OK = 200;
const HTTP_NOT_FOUND = 404;

/** Reported TCB components that select a VCEK (Milan/Genoa layout). */
export interface VcekTcb {
  bl: number;
  tee: number;
  snp: number;
  ucode: number;
}

/** Products whose VCEK URL this client builds (Turin's URL and TCB layout differ and are not supported). */
export const KDS_PRODUCTS: readonly SnpProduct[] = ['Milan', 'Genoa'];

/** Fetches VCEKs, chains and CRLs from KDS. */
export class AmdKdsClient {
  readonly baseUrl: string;

  constructor(
    private readonly http: Throttle,
    opts: {baseUrl?: string} = {},
  ) {
    this.baseUrl = (opts.baseUrl ?? AMD_KDS_URL).replace(/\/+$/, '');
  }

  private async get(url: string, what: string): Promise<HttpResponse> {
    const res = await this.http.fetch(url);
    if (res.status === HTTP_NOT_FOUND) throw new FetchError(`${what}: not found at ${url}`, 'not-found', url, res.status);
    if (res.status !== HTTP_OK) throw new FetchError(`${what}: HTTP ${res.status} from ${new URL(url).host}`, 'http', url, res.status);
    return res;
  }

  private static product(p: SnpProduct): string {
    if (!KDS_PRODUCTS.includes(p)) throw new FetchError(`${p}: VCEK retrieval is implemented for ${KDS_PRODUCTS.join(' and ')} only`, 'not-found');
    return p;
  }

  /** URL of the VCEK for a chip (CHIP_ID, 64 bytes) at a reported TCB. */
  vcekUrl(product: SnpProduct, chipId: Uint8Array, tcb: VcekTcb): string {
    if (chipId.length !== CHIP_ID_SIZE) throw new RangeError(`CHIP_ID must be ${CHIP_ID_SIZE} bytes`);
    for (const v of [tcb.bl, tcb.tee, tcb.snp, tcb.ucode]) if (!Number.isInteger(v) || v < 0 || v > 0xff) throw new RangeError('SPL values are bytes');
    return `${this.baseUrl}/vcek/v1/${AmdKdsClient.product(product)}/${Buffer.from(chipId).toString('hex')}?blSPL=${tcb.bl}&teeSPL=${tcb.tee}&snpSPL=${tcb.snp}&ucodeSPL=${tcb.ucode}`;
  }

  /** The VCEK certificate DER. */
  async vcek(product: SnpProduct, chipId: Uint8Array, tcb: VcekTcb): Promise<Uint8Array> {
    const url = this.vcekUrl(product, chipId, tcb);
    const res = await this.get(url, `${product} VCEK`);
    try {
      return decodeDerOrPem(res.body, 'VCEK');
    } catch (e) {
      throw new FetchError(`VCEK: ${e instanceof Error ? e.message : String(e)}`, 'malformed', url);
    }
  }

  /** The ASK then ARK, PEM text. */
  async certChain(product: SnpProduct): Promise<string> {
    const url = `${this.baseUrl}/vcek/v1/${AmdKdsClient.product(product)}/cert_chain`;
    const res = await this.get(url, `${product} certificate chain`);
    const pem = bodyText(res);
    try {
      if (parsePemChain(pem).length !== 2) throw new Error('expected two certificates (ASK, ARK)');
    } catch (e) {
      throw new FetchError(`${product} certificate chain: ${e instanceof Error ? e.message : String(e)}`, 'malformed', url);
    }
    return pem;
  }

  /** The product's VCEK CRL, DER. */
  async crl(product: SnpProduct): Promise<Uint8Array> {
    const url = `${this.baseUrl}/vcek/v1/${AmdKdsClient.product(product)}/crl`;
    const res = await this.get(url, `${product} CRL`);
    try {
      return decodeDerOrPem(res.body, 'CRL');
    } catch (e) {
      throw new FetchError(`${product} CRL: ${e instanceof Error ? e.message : String(e)}`, 'malformed', url);
    }
  }
}
