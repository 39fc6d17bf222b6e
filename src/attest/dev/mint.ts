/**
 * Mints dev evidence in the real formats (design.md §5): a TDX v4 quote (via `buildTdxQuote`) signed
 * through the dev PCK chain, and NVIDIA SPDM 1.1 evidence in nvtrust's `/gpu` JSON shape signed by the dev
 * device leaf, bound exactly as hardware evidence is:
 *
 *   REPORTDATA = SHA-256(TLS SPKI DER) ‖ GPU nonce,  GPU nonce = SHA-256("secretai/v1" ‖ worker_pubkey ‖ challenge)
 *
 * The same verifiers check it; they accept it only with the dev roots passed as extra pins, which the
 * pipeline does only when the policy allows dev. Pure: the TDX attestation key and the SPDM responder
 * nonce come from the caller's {@link DevCrypto} (the input's, else the one attached to the roots).
 */
import {createHash} from 'node:crypto';
import {gpuNonce} from '../binding.js';
import {makeBundle, type AttestationBundle} from '../bundle.js';
import * as w from '../der-write.js';
import type {NvtrustEvidence} from '../nvidia/verify.js';
import {NvOpaque} from '../nvidia/spdm.js';
import {buildTdxQuote} from '../tdx/build.js';
import {tdxCollateralToJson} from '../tdx/collateral.js';
import {DEV_PCE_SVN, DEV_PCK_COMP_SVN, DEV_QE_ISVSVN, DEV_TEE_TCB_SVN, devMeasurement, type DevCrypto, type DevRoots} from './roots.js';
import {buildSpdmEvidence, driverVersionOpaque, vbiosVersionOpaque} from './spdm-build.js';

/** Hopper reports 64 measurement blocks of SHA-384 digests. */
export const DEV_GPU_BLOCKS = 64;
/** Versions reported by dev GPUs. */
export const DEV_GPU_DRIVER = '550.144.03';
export const DEV_GPU_VBIOS = '96.00.9F.00.02';
/** Project, project SKU and chip SKU reported by dev GPUs (opaque types 17, 18, 15; they name the VBIOS RIM). */
export const DEV_GPU_PROJECT = 'DEV0';
export const DEV_GPU_PROJECT_SKU = '0000';
export const DEV_GPU_CHIP_SKU = 'DEV';
/** Zero padding after the signature data, as real v4 quotes carry. */
const QUOTE_PADDING = 70;
const REPORT_DATA_HALF = 32;

/** Input of {@link mintDevEvidence}. */
export interface MintDevEvidenceInput {
  roots: DevRoots;
  /** The worker's TLS SubjectPublicKeyInfo DER: REPORTDATA[0..32] = SHA-256 of it. */
  tlsSpkiDer: Uint8Array;
  /** The worker's 33-byte compressed secp256k1 key. */
  workerPubkey: Uint8Array;
  /** The registration challenge. */
  challenge: Uint8Array;
  /** Include GPU evidence (default true). */
  gpu?: boolean;
  /** Key generation and random bytes (the quote's attestation key, the SPDM responder nonce); default `roots.crypto`. */
  crypto?: DevCrypto;
}

/** Minted dev evidence. */
export interface DevEvidence {
  /** TDX v4 quote bytes. */
  quote: Uint8Array;
  /** The dev TDX collateral in dcap-qvl JSON layout. */
  collateral: Record<string, string>;
  /** nvtrust-style `/gpu` document, when GPU evidence was asked for. */
  gpu?: NvtrustEvidence;
  /** 64 bytes. */
  reportData: Uint8Array;
  /** 32 bytes: REPORTDATA[32..64]. */
  gpuNonce: Uint8Array;
  /** The whole thing as a bundle (design.md §5), marked `dev: true`. */
  bundle: AttestationBundle;
}

/** Mints a dev TDX quote and (optionally) dev GPU evidence bound to the TLS key, worker key and challenge. */
export function mintDevEvidence(input: MintDevEvidenceInput): DevEvidence {
  const crypto = input.crypto ?? input.roots.crypto;
  if (!crypto) throw new TypeError('mintDevEvidence needs a DevCrypto (input.crypto or roots.crypto) for key generation and nonces');
  const random = (n: number) => crypto.random(n);
  const {roots} = input;
  const nonce = gpuNonce(input.workerPubkey, input.challenge);
  const tlsHash = createHash('sha256').update(input.tlsSpkiDer).digest();
  const reportData = new Uint8Array(REPORT_DATA_HALF * 2);
  reportData.set(tlsHash, 0);
  reportData.set(nonce, REPORT_DATA_HALF);

  const attestationKey = crypto.ecKeyPair('P-256').privateKey;
  const quote = buildTdxQuote({
    version: 4,
    header: {pceSvn: DEV_PCE_SVN, qeSvn: DEV_QE_ISVSVN},
    body: {
      teeTcbSvn: Uint8Array.from(DEV_TEE_TCB_SVN),
      mrSeam: devMeasurement('MRSEAM'),
      mrTd: devMeasurement('MRTD'),
      rtmr: [0, 1, 2, 3].map((i) => devMeasurement(`RTMR${i}`)),
      xfam: Uint8Array.of(0xe7, 0x02, 0x06, 0, 0, 0, 0, 0),
      reportData,
    },
    attestationKey,
    pckKey: roots.tdx.pckLeaf.key,
    pckChainPem: w.toPem([roots.tdx.pckLeaf.cert, roots.tdx.pckCa.cert, roots.tdx.root.cert]),
    qeReport: {isvSvn: DEV_QE_ISVSVN, cpuSvn: Uint8Array.from(DEV_PCK_COMP_SVN)},
    padding: QUOTE_PADDING,
  });

  let gpu: NvtrustEvidence | undefined;
  if (input.gpu !== false) {
    const chain = roots.nvidia.chain;
    const evidence = buildSpdmEvidence({
      requestNonce: nonce,
      responderNonce: random(32),
      blocks: Array.from({length: DEV_GPU_BLOCKS}, (_, i) => ({index: i + 1, value: devMeasurement(`GPU block ${i + 1}`)})),
      opaque: [
        {type: NvOpaque.DRIVER_VERSION, value: driverVersionOpaque(DEV_GPU_DRIVER)},
        {type: NvOpaque.VBIOS_VERSION, value: vbiosVersionOpaque(DEV_GPU_VBIOS)},
        {type: NvOpaque.CHIP_SKU, value: driverVersionOpaque(DEV_GPU_CHIP_SKU)},
        {type: NvOpaque.PROJECT, value: driverVersionOpaque(DEV_GPU_PROJECT)},
        {type: NvOpaque.PROJECT_SKU, value: driverVersionOpaque(DEV_GPU_PROJECT_SKU)},
        {type: NvOpaque.FWID, value: roots.nvidia.fwid},
      ],
      signingKey: chain[0].key,
    });
    gpu = {
      nonce: Buffer.from(nonce).toString('hex'),
      arch: 'HOPPER',
      evidence_list: [
        {
          certificate: Buffer.from(w.toPem(chain.map((c) => c.cert)), 'latin1').toString('base64'),
          evidence: Buffer.from(evidence).toString('base64'),
        },
      ],
    };
  }

  const collateral = tdxCollateralToJson(roots.tdx.collateral);
  const bundle = makeBundle({
    cpuType: 'tdx',
    quote,
    collateral,
    ...(gpu ? {gpu} : {}),
    tlsSpki: input.tlsSpkiDer,
    workerPubkey: input.workerPubkey,
    challenge: input.challenge,
    dev: true,
  });
  return {quote, collateral, ...(gpu ? {gpu} : {}), reportData, gpuNonce: nonce, bundle};
}
