/**
 * Message helpers of the RewardsManager that the library (`contracts/lib/contract.ts`) does not have: JSON numbers
 * as `JSON.stringify` writes them.
 */
import {JsonValue} from "../../lib/json";
import {jsonNumberText} from "../../lib/number";

/** A number of a message as the TypeScript contract stored or printed it (`JSON.stringify` / `String` of the double). */
export function numberText(v: JsonValue): string {
  return jsonNumberText(v.numText);
}

/** A copy of a message number, normalised as `JSON.stringify` writes it (`3600.0` → `3600`). */
export function numberJson(v: JsonValue): JsonValue {
  return JsonValue.num(numberText(v));
}
