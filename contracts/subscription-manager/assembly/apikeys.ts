/**
 * API keys: only the SHA-256 of a key is stored, and a hash is never accepted twice (not even after revocation).
 * Each subscriber gets an opaque key handle — SHA-256 of a domain tag, the hash of their first key and their
 * address — that workers see instead of the subscriber.
 */
import {toHex, utf8Encode, concat} from "../../lib/bytes";
import {field, statusResponse} from "../../lib/contract";
import {Env, Info} from "../../lib/env";
import {JsonValue} from "../../lib/json";
import {Response} from "../../lib/response";
import {fail} from "../../lib/result";
import {sha256} from "../../lib/sha256";
import {Storage} from "../../lib/storage";
import {
  activeKeyCountKey,
  apiKeyIndex,
  apiKeyKey,
  handleKey,
  handleOwnerKey,
  KEY_HANDLE_TAG,
  MAX_ACTIVE_API_KEYS,
  ownerKeyIndex,
  ownerKeyKey,
} from "./state";

function keyHandle(firstKeyHash: string, subscriber: string): string {
  return toHex(sha256(concat(concat(utf8Encode(KEY_HANDLE_TAG), utf8Encode(firstKeyHash)), utf8Encode(subscriber))));
}

export function createApiKey(env: Env, info: Info, body: JsonValue): Response | null {
  const hash = field(body, "key_hash");
  if (Storage.has(apiKeyKey(hash))) {
    fail("this API key hash was already used; create a new key");
    return null;
  }
  const count = Storage.getU64(activeKeyCountKey(info.sender), 0);
  if (count >= MAX_ACTIVE_API_KEYS) {
    fail(`at most ${MAX_ACTIVE_API_KEYS.toString()} active API keys per subscriber; revoke one first`);
    return null;
  }
  Storage.setJson(apiKeyKey(hash), JsonValue.object().setString("owner", info.sender).setU64("created_at", env.time).setBool("revoked", false));
  Storage.setJson(ownerKeyKey(info.sender, hash), JsonValue.bool(true));
  Storage.setU64(activeKeyCountKey(info.sender), count + 1);
  apiKeyIndex().add(hash);
  ownerKeyIndex(info.sender).add(hash);
  if (!Storage.has(handleKey(info.sender))) {
    const handle = keyHandle(hash, info.sender);
    Storage.setJsonString(handleKey(info.sender), handle);
    Storage.setJsonString(handleOwnerKey(handle), info.sender);
  }
  return statusResponse("create_api_key");
}

export function revokeApiKey(env: Env, info: Info, body: JsonValue): Response | null {
  const hash = field(body, "key_hash");
  const key = Storage.getJson(apiKeyKey(hash));
  // Someone else's key answers like an unknown one: the error does not reveal that the hash exists.
  if (key === null || !key.isObject || key.getString("owner") != info.sender) {
    fail("no such API key among yours");
    return null;
  }
  if (key.getBool("revoked")) {
    fail("this API key is already revoked");
    return null;
  }
  key.setBool("revoked", true);
  Storage.setJson(apiKeyKey(hash), key);
  const count = Storage.getU64(activeKeyCountKey(info.sender), 0);
  Storage.setU64(activeKeyCountKey(info.sender), count > 0 ? count - 1 : 0);
  return statusResponse("revoke_api_key");
}
