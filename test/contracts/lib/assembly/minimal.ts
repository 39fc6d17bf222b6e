// A minimal contract over the runtime library: one counter, validated messages, the three entry points.
import { Env, Info } from "../../../../contracts/lib/env";
import { runExecute, runInstantiate, runQuery, unsupported, variant, variantBody } from "../../../../contracts/lib/entry";
import { JsonValue } from "../../../../contracts/lib/json";
import { Response } from "../../../../contracts/lib/response";
import { fail } from "../../../../contracts/lib/result";
import { Storage } from "../../../../contracts/lib/storage";

export * from "../../../../contracts/lib/exports";

const INSTANTIATE_SCHEMA = '{"type":"object","required":["start"],"properties":{"start":{"type":"integer","minimum":0}},"additionalProperties":false}';
const EXECUTE_SCHEMA = '{"oneOf":[{"type":"object","required":["add"],"properties":{"add":{"type":"object","required":["by"],"properties":{"by":{"type":"integer","minimum":1,"maximum":100}},"additionalProperties":false}},"additionalProperties":false},{"type":"object","required":["reset"],"properties":{"reset":{"type":"object","additionalProperties":false}},"additionalProperties":false}]}';
const QUERY_SCHEMA = '{"oneOf":[{"type":"object","required":["count"],"properties":{"count":{"type":"object","additionalProperties":false}},"additionalProperties":false}]}';

function onInstantiate(env: Env, info: Info, msg: JsonValue): Response | null {
  Storage.setU64("count", msg.getU64("start"));
  Storage.setJsonString("owner", info.sender);
  return new Response().addAttribute("action", "instantiate");
}

function onExecute(env: Env, info: Info, msg: JsonValue): Response | null {
  const name = variant(msg);
  const body = variantBody(msg);
  if (name == "add") {
    const count = Storage.getU64("count") + body.getU64("by");
    if (count > 1000) {
      fail("count would exceed 1000");
      return null;
    }
    Storage.setU64("count", count);
    return new Response().addPlainAttribute("count", count.toString()).setData(JsonValue.object().setU64("count", count));
  }
  if (name == "reset") {
    Storage.setU64("count", 0);
    return new Response();
  }
  unsupported(name);
  return null;
}

function onQuery(env: Env, msg: JsonValue): JsonValue | null {
  return JsonValue.object().setU64("count", Storage.getU64("count")).setU64("height", env.height);
}

export function instantiate(env: u32, info: u32, msg: u32): u32 {
  return runInstantiate(env, info, msg, INSTANTIATE_SCHEMA, onInstantiate);
}

export function execute(env: u32, info: u32, msg: u32): u32 {
  return runExecute(env, info, msg, EXECUTE_SCHEMA, onExecute);
}

export function query(env: u32, msg: u32): u32 {
  return runQuery(env, msg, QUERY_SCHEMA, onQuery);
}
