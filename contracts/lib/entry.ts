/**
 * The entry glue: reads the host's Regions, parses env / info / msg, validates the message against the
 * contract's schema (a violation fails the call with the validator's message), runs the handler and writes the
 * result envelope into a new Region. A contract's `index.ts` exports `instantiate`, `execute` and `query` as
 * one-line calls of `runInstantiate`, `runExecute` and `runQuery` (see README.md).
 */
import { utf8Encode } from "./bytes";
import { Env, Info } from "./env";
import { JsonValue, jsonError, parseJson } from "./json";
import { regionOf, regionText } from "./memory";
import { errorJson, queryResultJson, Response } from "./response";
import { fail, failed, failure, resetFailure } from "./result";
import { validate } from "./schema";

/** Handles an instantiate or execute message; returns null after `fail`. */
export type ExecuteHandler = (env: Env, info: Info, msg: JsonValue) => Response | null;
/** Handles a query; returns the answer, or null after `fail`. */
export type QueryHandler = (env: Env, msg: JsonValue) => JsonValue | null;

/** Parses JSON the host wrote (env, info); malformed host input is a bug, not a contract error. */
function readHostJson(ptr: u32): JsonValue {
  const v = parseJson(regionText(ptr, false) as string);
  if (v === null) throw new Error("host input is not JSON: " + jsonError());
  return v as JsonValue;
}

/** The message, parsed and validated; null after `fail`. */
function readMessage(ptr: u32, schemaJson: string, root: string): JsonValue | null {
  const text = regionText(ptr, true);
  if (text === null) {
    fail(root + " message is not valid UTF-8");
    return null;
  }
  const msg = parseJson(text);
  if (msg === null) {
    fail(root + " message is not valid JSON: " + jsonError());
    return null;
  }
  const problem = validate(schemaJson, root, msg);
  if (problem !== null) {
    fail(problem);
    return null;
  }
  return msg;
}

function envelope(text: string): u32 {
  return regionOf(utf8Encode(text));
}

function finish(res: Response | null): u32 {
  if (failed()) return envelope(errorJson(failure()));
  if (res === null) throw new Error("handler returned no response without a failure");
  return envelope((res as Response).toJson());
}

function runWithInfo(envPtr: u32, infoPtr: u32, msgPtr: u32, schemaJson: string, root: string, handler: ExecuteHandler): u32 {
  resetFailure();
  const env = Env.fromJson(readHostJson(envPtr));
  const info = Info.fromJson(readHostJson(infoPtr));
  const msg = readMessage(msgPtr, schemaJson, root);
  if (msg === null) return finish(null);
  return finish(handler(env, info, msg));
}

/** The body of the `instantiate` export. */
export function runInstantiate(envPtr: u32, infoPtr: u32, msgPtr: u32, schemaJson: string, handler: ExecuteHandler): u32 {
  return runWithInfo(envPtr, infoPtr, msgPtr, schemaJson, "instantiate", handler);
}

/** The body of the `execute` export. */
export function runExecute(envPtr: u32, infoPtr: u32, msgPtr: u32, schemaJson: string, handler: ExecuteHandler): u32 {
  return runWithInfo(envPtr, infoPtr, msgPtr, schemaJson, "execute", handler);
}

/** The body of the `query` export. */
export function runQuery(envPtr: u32, msgPtr: u32, schemaJson: string, handler: QueryHandler): u32 {
  resetFailure();
  const env = Env.fromJson(readHostJson(envPtr));
  const msg = readMessage(msgPtr, schemaJson, "query");
  if (msg === null) return envelope(errorJson(failure()));
  const answer = handler(env, msg);
  if (failed()) return envelope(errorJson(failure()));
  if (answer === null) throw new Error("query handler returned no answer without a failure");
  return envelope(queryResultJson(answer as JsonValue));
}

/**
 * The name of an externally tagged message (`{"transfer":{…}}` → `transfer`). Fails (and returns "") unless
 * the message is an object with exactly one member, with the texts of `variantOf` in `contracts/common`.
 */
export function variant(msg: JsonValue): string {
  if (!msg.isObject) {
    fail("message must be a JSON object");
    return "";
  }
  if (msg.keys.length != 1) {
    fail("message must have exactly one variant, got " + msg.keys.length.toString());
    return "";
  }
  return msg.keys[0];
}

/** The body of an externally tagged message (the value of its single member). */
export function variantBody(msg: JsonValue): JsonValue {
  return msg.values.length == 1 ? msg.values[0] : JsonValue.null_();
}

/** Fails with `<name> is not supported` (a variant without a handler). */
export function unsupported(name: string): void {
  fail(name + " is not supported");
}

/** Fails with `<name> is not built yet` (a message of the interface whose logic is not built). */
export function notBuilt(name: string): void {
  fail(name + " is not built yet");
}

/** Fails with `Unauthorized: only the admin can run <action>` unless `sender` is `admin`; true when allowed. */
export function requireAdmin(admin: string, sender: string, action: string): bool {
  if (sender == admin) return true;
  fail("Unauthorized: only the admin can run " + action);
  return false;
}
