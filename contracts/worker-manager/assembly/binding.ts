/**
 * The cheap, deterministic checks on a registration (port of `contracts/worker-manager/binding.ts`): the worker key
 * and sender, and the REPORTDATA binding of the submitted bundle — `REPORTDATA[0..32] = SHA-256(TLS SPKI DER)`,
 * `REPORTDATA[32..64] = SHA-256("secretai/v1" ‖ worker_pubkey ‖ challenge)` for the current or previous
 * registration challenge, and the bundle's GPU nonce equal to it. Signatures, certificate chains, TCB status and
 * measurements are checked by the registering CLI and by every client, not here.
 */
import {bytesEqual, concatAll, fromBase64, fromHex, toHex, utf8Encode} from "../../lib/bytes";
import {pubkeyToAddress} from "../../lib/crypto";
import {JsonValue} from "../../lib/json";
import {numbersEqual} from "../../lib/number";
import {fail} from "../../lib/result";
import {sha256} from "../../lib/sha256";

/** Domain-separation prefix of the GPU nonce (design.md §5). */
const GPU_NONCE_DOMAIN = "secretai/v1";
/** REPORTDATA size, and its halves. */
const REPORT_DATA_BYTES = 64;
const HALF = 32;
/** TDX quote: header size, the v5 body descriptor, and REPORTDATA's offset in the TD report body. */
const TDX_HEADER_BYTES = 48;
const TDX_V5_BODY_DESCRIPTOR_BYTES = 6;
const TDX_BODY_REPORTDATA = 0x208;
const TDX_QUOTE_V4 = 4;
const TDX_QUOTE_V5 = 5;
/** SEV-SNP attestation report: REPORTDATA offset. */
const SNP_REPORTDATA = 0x50;

function invalid(why: string): Uint8Array | null {
  fail("Invalid attestation: " + why);
  return null;
}

/** A base64 member of the bundle; null after `Invalid attestation: <what> must be a base64 string|is not base64`. */
function decode(v: JsonValue | null, what: string): Uint8Array | null {
  if (v === null || !v.isString) return invalid(what + " must be a base64 string");
  const bytes = fromBase64(v.asString());
  return bytes === null ? invalid(what + " is not base64") : bytes;
}

/** False after recording that `sender` is not the account of `workerPubkey` (nobody registers another's bundle). */
export function requireWorkerAccount(workerPubkey: Uint8Array, sender: string): bool {
  const account = pubkeyToAddress(workerPubkey);
  if (account == sender) return true;
  fail(`Unauthorized: the sender ${sender} is not the account of worker_pubkey (${account}); register from the worker key`);
  return false;
}

/** REPORTDATA of the bundle's CPU evidence (TDX quote v4/v5 or SEV-SNP report); null after `fail`. */
function reportDataOf(cpu: JsonValue): Uint8Array | null {
  const quote = decode(cpu.get("quote"), "cpu.quote");
  if (quote === null) return null;
  const type = cpu.get("type");
  const kind = type !== null && type.isString ? type.asString() : "";
  let offset: i32;
  if (kind == "tdx") {
    const version: i32 = quote.length >= 2 ? <i32>quote[0] | (<i32>quote[1] << 8) : 0;
    if (version == TDX_QUOTE_V4) offset = TDX_HEADER_BYTES + TDX_BODY_REPORTDATA;
    else if (version == TDX_QUOTE_V5) offset = TDX_HEADER_BYTES + TDX_V5_BODY_DESCRIPTOR_BYTES + TDX_BODY_REPORTDATA;
    else return invalid(`unsupported TDX quote version ${version}`);
  } else if (kind == "snp") {
    offset = SNP_REPORTDATA;
  } else {
    return invalid('cpu.type must be "tdx" or "snp"');
  }
  if (quote.length < offset + REPORT_DATA_BYTES) return invalid("cpu.quote is too short to hold REPORTDATA");
  return quote.subarray(offset, offset + REPORT_DATA_BYTES);
}

/** The GPU nonce SHA-256("secretai/v1" ‖ worker_pubkey ‖ challenge). */
function gpuNonce(workerPubkey: Uint8Array, challenge: Uint8Array): Uint8Array {
  return sha256(concatAll([utf8Encode(GPU_NONCE_DOMAIN), workerPubkey, challenge]));
}

/**
 * `typeof v === 'string' && v.toLowerCase() === lower` for a lower-case ASCII `lower` (only ASCII letters lower-case
 * to ASCII, so ASCII case folding decides it).
 */
function equalsIgnoringCase(v: JsonValue | null, lower: string): bool {
  if (v === null || !v.isString) return false;
  const s = v.asString();
  if (s.length != lower.length) return false;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) c += 0x20;
    if (c != lower.charCodeAt(i)) return false;
  }
  return true;
}

function refused(why: string): string | null {
  fail("Invalid attestation: " + why);
  return null;
}

/**
 * Checks the bundle's REPORTDATA binding against `workerPubkey` and the accepted registration challenges (hex,
 * current first). Returns the challenge that matched, or null after recording the failing part.
 */
export function checkBundleBinding(bundle: JsonValue, workerPubkey: Uint8Array, challenges: string[]): string | null {
  const version = bundle.isObject ? bundle.get("version") : null;
  if (version === null || !version.isNumber || !numbersEqual(version.numText, "1")) return refused("expected a version 1 bundle");
  const cpu = bundle.get("cpu");
  if (cpu === null || !cpu.isObject) return refused("cpu evidence is missing");
  const bundleKey = decode(bundle.get("workerPubkey"), "workerPubkey");
  if (bundleKey === null) return null;
  if (!bytesEqual(bundleKey, workerPubkey)) return refused("the bundle names another worker key than worker_pubkey");
  const rd = reportDataOf(cpu);
  if (rd === null) return null;
  const spki = decode(bundle.get("tlsSpki"), "tlsSpki");
  if (spki === null) return null;
  if (!bytesEqual(rd.subarray(0, HALF), sha256(spki))) return refused("REPORTDATA[0..32] is not SHA-256 of the bundle TLS key");
  const nonceHalf = rd.subarray(HALF);
  let matched: string | null = null;
  for (let i = 0; i < challenges.length && matched === null; i++) {
    if (bytesEqual(nonceHalf, gpuNonce(workerPubkey, fromHex(challenges[i])!))) matched = challenges[i];
  }
  if (matched === null) {
    return refused("REPORTDATA does not bind worker_pubkey and the current registration challenge (stale or foreign evidence; collect it again)");
  }
  const found = matched as string;
  if (bundle.has("challenge") && !equalsIgnoringCase(bundle.get("challenge"), found)) {
    return refused("the bundle challenge is not the one its REPORTDATA binds");
  }
  if (bundle.has("gpu")) {
    const gpu = bundle.get("gpu")!;
    if (!gpu.isObject || !equalsIgnoringCase(gpu.get("nonce"), toHex(nonceHalf))) {
      return refused("the GPU evidence nonce is not REPORTDATA[32..64]");
    }
  }
  return found;
}
