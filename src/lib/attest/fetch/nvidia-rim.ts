/**
 * NVIDIA RIM service client (attestation.md §3.3 step 8): GETs `<base>{id}` — NVIDIA's service, or the
 * base named by `SECRETAI_NVIDIA_RIM_URL` — through a {@link Throttle} and hands the JSON answer to the pure
 * checker (`src/attest/nvidia/rim.ts`). A RIM is fixed for its driver or VBIOS version, so answers are kept
 * in the attestation cache under `nvidia/rim/<host>/<id>.json` when a storage is given (only answers that
 * decode to XML text); a cached answer is judged exactly like a fresh one.
 */
import {MAX_RIM_RESPONSE_BYTES, NVIDIA_RIM_URL, rimXmlFromServiceJson, type RimFetcher} from '../../../attest/nvidia/rim.js';
import {FetchError} from './http.js';
import {cacheKey, type CacheStorage} from './storage.js';
import type {Throttle} from './throttle.js';

const HTTP_OK = 200;
const HTTP_NOT_FOUND = 404;
/** RIM ids accepted in a URL path and a cache key. */
const RIM_ID = /^[A-Za-z0-9_.-]{1,128}$/;

/** Fetches RIMs by id. */
export class NvidiaRimClient {
  readonly baseUrl: string;

  constructor(
    private readonly http: Throttle,
    private readonly opts: {baseUrl?: string; storage?: CacheStorage} = {},
  ) {
    const base = opts.baseUrl ?? NVIDIA_RIM_URL;
    this.baseUrl = base.endsWith('/') ? base : `${base}/`;
    new URL(this.baseUrl); // fail early on a malformed setting
  }

  private key(id: string): string {
    return cacheKey('nvidia', 'rim', new URL(this.baseUrl).host.replace(/:/g, '_'), `${id}.json`);
  }

  /** The service's answer for `id` (JSON bytes). @throws FetchError when no usable HTTP answer came. */
  async get(id: string): Promise<Uint8Array> {
    if (!RIM_ID.test(id)) throw new FetchError(`RIM id "${id.slice(0, 80)}" has unexpected characters`, 'malformed');
    const storage = this.opts.storage;
    if (storage) {
      const hit = await storage.get(this.key(id));
      if (hit && hit.length > 0) return hit;
    }
    const url = this.baseUrl + encodeURIComponent(id);
    const host = new URL(url).host;
    const res = await this.http.fetch(url, {accept: 'application/json'});
    if (res.status === HTTP_NOT_FOUND) throw new FetchError(`RIM ${id}: not found at ${host} (HTTP 404)`, 'not-found', url, res.status);
    if (res.status !== HTTP_OK) throw new FetchError(`RIM ${id}: HTTP ${res.status} from ${host}`, 'http', url, res.status);
    if (res.body.length === 0) throw new FetchError(`RIM ${id}: empty answer from ${host}`, 'malformed', url);
    if (res.body.length > MAX_RIM_RESPONSE_BYTES) throw new FetchError(`RIM ${id}: answer from ${host} is too large`, 'malformed', url);
    if (storage && this.decodes(res.body, id)) await storage.put(this.key(id), res.body);
    return res.body;
  }

  /** Only answers that decode to XML text are cached; the checker judges (and reports) the rest each time. */
  private decodes(body: Uint8Array, id: string): boolean {
    try {
      rimXmlFromServiceJson(body, id);
      return true;
    } catch {
      return false;
    }
  }

  /** This client as the pure checker's {@link RimFetcher}. */
  fetcher(): RimFetcher {
    return (id) => this.get(id);
  }
}
