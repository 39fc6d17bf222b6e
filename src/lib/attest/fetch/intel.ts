/**
 * Intel PCS (Provisioning Certification Service, API v4) and PCCS client for TDX collateral
 * (attestation.md §1.3): TCB info by FMSPC, TD QE identity, PCK CRL, root CA CRL. Issuer chains arrive
 * URL-encoded in response headers; the signed JSON objects are kept as the exact served substrings.
 * The HTTP client is injected (through a {@link Throttle}).
 */
import {toHex} from '../../../../contracts/common/encoding.js';
import {decodeDerOrPem} from '../../../attest/detect.js';
import {parseTdxCollateral, type TdxCollateral} from '../../../attest/tdx/collateral.js';
import {EvidenceFormatError} from '../../../attest/types.js';
import {parsePemChain} from '../../../attest/x509.js';
import {bodyText, FetchError, header, type HttpResponse} from './http.js';
import {signedMember} from './json-extract.js';
import type {Throttle} from './throttle.js';

/** Intel's public PCS. */
export const INTEL_PCS_URL = 'https://api.trustedservices.intel.com';
/** Where Intel publishes the SGX Root CA CRL (the root certificate's CRL distribution point). */
export const INTEL_ROOT_CA_CRL_URL = 'https://certificates.trustedservices.intel.com/IntelSGXRootCA.der';

/** Which PCK CA issued the PCK leaf (the PCK CRL is per CA). */
export type PckCa = 'platform' | 'processor';

/** Options of {@link IntelPcsClient}. */
export interface IntelPcsOptions {
  /** PCS or PCCS base URL (default {@link INTEL_PCS_URL}); a trailing `/sgx|tdx/certification/v4` is tolerated. */
  baseUrl?: string;
  /** Root CA CRL URL (default: Intel's for PCS, `<base>/sgx/certification/v4/rootcacrl` for a PCCS). */
  rootCaCrlUrl?: string;
  /** Intel PCS subscription key (`Ocp-Apim-Subscription-Key`), if your PCS access needs one. */
  apiKey?: string;
}

const HTTP_OK = 200;
const HTTP_NOT_FOUND = 404;

function normalizeBase(url: string): string {
  return url.replace(/\/+$/, '').replace(/\/(?:sgx|tdx)\/certification\/v4$/, '');
}

/** Fetches the pieces of TDX collateral from PCS/PCCS. */
export class IntelPcsClient {
  readonly baseUrl: string;
  readonly rootCaCrlUrl: string;

  constructor(
    private readonly http: Throttle,
    private readonly opts: IntelPcsOptions = {},
  ) {
    this.baseUrl = normalizeBase(opts.baseUrl ?? INTEL_PCS_URL);
    this.rootCaCrlUrl = opts.rootCaCrlUrl ?? (this.baseUrl === INTEL_PCS_URL ? INTEL_ROOT_CA_CRL_URL : `${this.baseUrl}/sgx/certification/v4/rootcacrl`);
  }

  private async get(url: string, what: string): Promise<HttpResponse> {
    const res = await this.http.fetch(url, this.opts.apiKey ? {'Ocp-Apim-Subscription-Key': this.opts.apiKey} : undefined);
    if (res.status === HTTP_NOT_FOUND) throw new FetchError(`${what}: not found at ${url}`, 'not-found', url, res.status);
    if (res.status !== HTTP_OK) throw new FetchError(`${what}: HTTP ${res.status} from ${new URL(url).host}`, 'http', url, res.status);
    return res;
  }

  private chain(res: HttpResponse, names: string[], what: string, url: string): string {
    const raw = names.map((n) => header(res, n)).find((v) => v !== undefined);
    if (raw === undefined) throw new FetchError(`${what}: response lacks the ${names[0]} header`, 'malformed', url);
    let pem: string;
    try {
      pem = decodeURIComponent(raw);
    } catch {
      throw new FetchError(`${what}: ${names[0]} header is not URL-encoded PEM`, 'malformed', url);
    }
    try {
      parsePemChain(pem);
    } catch (e) {
      throw new FetchError(`${what}: issuer chain unparseable (${e instanceof Error ? e.message : String(e)})`, 'malformed', url);
    }
    return pem;
  }

  private crlBytes(res: HttpResponse, what: string, url: string): Uint8Array {
    try {
      return decodeDerOrPem(res.body, what);
    } catch (e) {
      throw new FetchError(`${what}: ${e instanceof Error ? e.message : String(e)}`, 'malformed', url);
    }
  }

  /** TDX TCB info for an FMSPC (12 hex): exact signed text, signature, issuer chain. */
  async tcbInfo(fmspc: string): Promise<{tcbInfo: string; signature: Uint8Array; issuerChain: string}> {
    if (!/^[0-9a-fA-F]{12}$/.test(fmspc)) throw new RangeError(`FMSPC must be 6 bytes of hex, got "${fmspc}"`);
    const url = `${this.baseUrl}/tdx/certification/v4/tcb?fmspc=${fmspc.toUpperCase()}`;
    const res = await this.get(url, 'TDX TCB info');
    const issuerChain = this.chain(res, ['TCB-Info-Issuer-Chain', 'SGX-TCB-Info-Issuer-Chain'], 'TDX TCB info', url);
    try {
      const {text, signature} = signedMember(bodyText(res), 'tcbInfo');
      return {tcbInfo: text, signature, issuerChain};
    } catch (e) {
      throw new FetchError(`TDX TCB info: ${e instanceof Error ? e.message : String(e)}`, 'malformed', url);
    }
  }

  /** TD QE identity: exact signed text, signature, issuer chain. */
  async qeIdentity(): Promise<{qeIdentity: string; signature: Uint8Array; issuerChain: string}> {
    const url = `${this.baseUrl}/tdx/certification/v4/qe/identity`;
    const res = await this.get(url, 'TD QE identity');
    const issuerChain = this.chain(res, ['SGX-Enclave-Identity-Issuer-Chain', 'Enclave-Identity-Issuer-Chain'], 'TD QE identity', url);
    try {
      const {text, signature} = signedMember(bodyText(res), 'enclaveIdentity');
      return {qeIdentity: text, signature, issuerChain};
    } catch (e) {
      throw new FetchError(`TD QE identity: ${e instanceof Error ? e.message : String(e)}`, 'malformed', url);
    }
  }

  /** PCK CRL (DER) of the given CA, with its issuer chain. */
  async pckCrl(ca: PckCa): Promise<{crl: Uint8Array; issuerChain: string}> {
    const url = `${this.baseUrl}/sgx/certification/v4/pckcrl?ca=${ca}&encoding=der`;
    const res = await this.get(url, 'PCK CRL');
    return {issuerChain: this.chain(res, ['SGX-PCK-CRL-Issuer-Chain'], 'PCK CRL', url), crl: this.crlBytes(res, 'PCK CRL', url)};
  }

  /** Intel SGX Root CA CRL (DER; a PCCS may answer hex). */
  async rootCaCrl(): Promise<Uint8Array> {
    const res = await this.get(this.rootCaCrlUrl, 'root CA CRL');
    return this.crlBytes(res, 'root CA CRL', this.rootCaCrlUrl);
  }

  /**
   * All collateral for an FMSPC and PCK CA, assembled in the verifier's form (requests go one at a time).
   * @throws FetchError on any failure (the caller reports the verification as unverifiable).
   */
  async tdxCollateral(fmspc: string, ca: PckCa): Promise<TdxCollateral> {
    const pck = await this.pckCrl(ca);
    const tcb = await this.tcbInfo(fmspc);
    const qe = await this.qeIdentity();
    const root = await this.rootCaCrl();
    try {
      return parseTdxCollateral({
        pck_crl_issuer_chain: pck.issuerChain,
        root_ca_crl: toHex(root),
        pck_crl: toHex(pck.crl),
        tcb_info_issuer_chain: tcb.issuerChain,
        tcb_info: tcb.tcbInfo,
        tcb_info_signature: toHex(tcb.signature),
        qe_identity_issuer_chain: qe.issuerChain,
        qe_identity: qe.qeIdentity,
        qe_identity_signature: toHex(qe.signature),
      });
    } catch (e) {
      throw new FetchError(`TDX collateral: ${e instanceof EvidenceFormatError ? e.message : String(e)}`, 'malformed');
    }
  }
}
