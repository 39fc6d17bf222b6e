/**
 * The usage record of a chat turn, once the stream has ended: checked against what this client received and against
 * the worker key the attestation binds, then countersigned with the subscriber's key.
 */
import {countersignUsageRecord, verifySignedUsageRecord, type SignedUsageRecord} from '../../../contracts/common/usage.js';
import {fromHex} from '../../../contracts/common/encoding.js';
import {Secp256k1Key} from '../keys/secp256k1.js';

/**
 * Checks a signed record against what this client received: this worker, this model, the token counts the stream
 * reported, at least one output token per content event, at most the requested limit, and the worker signature
 * with the key the attestation binds. Returns the reasons it fails (none: it holds).
 */
export function checkRecord(
  signed: SignedUsageRecord,
  got: {workerId: string; model: string; workerPubkeyHex: string; chunks: number; maxTokens?: number; reported?: {prompt_tokens?: number; completion_tokens?: number}},
): string[] {
  const r = signed.record;
  const bad: string[] = [];
  if (r.worker_id !== got.workerId) bad.push(`record names worker ${r.worker_id}, not ${got.workerId}`);
  if (r.model !== got.model) bad.push(`record names model ${r.model}, not ${got.model}`);
  if (got.reported?.completion_tokens !== undefined && r.output_tokens !== got.reported.completion_tokens) bad.push(`record says ${r.output_tokens} output tokens, the stream reported ${got.reported.completion_tokens}`);
  if (got.reported?.prompt_tokens !== undefined && r.input_tokens !== got.reported.prompt_tokens) bad.push(`record says ${r.input_tokens} input tokens, the stream reported ${got.reported.prompt_tokens}`);
  if (r.output_tokens < got.chunks) bad.push(`record says ${r.output_tokens} output tokens for ${got.chunks} content events received`);
  if (got.maxTokens !== undefined && r.output_tokens > got.maxTokens) bad.push(`record says ${r.output_tokens} output tokens, more than the ${got.maxTokens} asked for`);
  let key: Uint8Array;
  try {
    key = fromHex(got.workerPubkeyHex);
  } catch {
    key = new Uint8Array(0);
  }
  if (!verifySignedUsageRecord(signed, key).worker) bad.push('the worker signature does not verify with the worker key the attestation binds');
  return bad;
}

/** The record with the subscriber's countersignature added (secp256k1 key of `--from`, signing natively). */
export function countersign(signed: SignedUsageRecord, privateKey: Uint8Array): Promise<SignedUsageRecord> {
  return countersignUsageRecord({record: signed.record, worker_signature: signed.worker_signature}, new Secp256k1Key(privateKey));
}
