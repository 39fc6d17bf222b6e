/**
 * NVIDIA OCSP client (attestation.md §3.3 step 9): POSTs a DER OCSPRequest as `application/ocsp-request`
 * (RFC 6960 Appendix A.1) to NVIDIA's responder — or the one named by `SECRETAI_NVIDIA_OCSP_URL` — through
 * a {@link Throttle}, and hands the OCSPResponse bytes to the pure checker (`src/attest/nvidia/ocsp.ts`).
 */
import {NVIDIA_OCSP_URL, OCSP_REQUEST_MEDIA_TYPE, OCSP_RESPONSE_MEDIA_TYPE, type OcspFetcher} from '../../../attest/nvidia/ocsp.js';
import {FetchError} from './http.js';
import type {Throttle} from './throttle.js';

const HTTP_OK = 200;

/** Sends OCSP requests for NVIDIA device certificates. */
export class NvidiaOcspClient {
  readonly url: string;

  constructor(
    private readonly http: Throttle,
    opts: {url?: string} = {},
  ) {
    this.url = opts.url ?? NVIDIA_OCSP_URL;
    new URL(this.url); // fail early on a malformed setting
  }

  /** POSTs one OCSPRequest; resolves with the response DER. @throws FetchError when no usable HTTP answer came. */
  async send(request: Uint8Array): Promise<Uint8Array> {
    const res = await this.http.post(this.url, request, {'content-type': OCSP_REQUEST_MEDIA_TYPE, accept: OCSP_RESPONSE_MEDIA_TYPE});
    if (res.status !== HTTP_OK) throw new FetchError(`OCSP: HTTP ${res.status} from ${new URL(this.url).host}`, 'http', this.url, res.status);
    if (res.body.length === 0) throw new FetchError(`OCSP: empty response from ${new URL(this.url).host}`, 'malformed', this.url);
    return res.body;
  }

  /** This client as the pure checker's {@link OcspFetcher}. */
  fetcher(): OcspFetcher {
    return (request) => this.send(request);
  }
}
