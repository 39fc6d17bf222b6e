/** Instantiation, plans and configuration (admin only), and permit revocation. */
import {contractRef, field, isAbsent, requireAdminOf, statusResponse, validAddress} from "../../lib/contract";
import {Env, Info} from "../../lib/env";
import {notBuilt} from "../../lib/entry";
import {JsonValue, quoteJson} from "../../lib/json";
import {revokePermit as storeRevocation} from "../../lib/permit";
import {Response} from "../../lib/response";
import {fail} from "../../lib/result";
import {Storage} from "../../lib/storage";
import {KEY_CONFIG, loadConfig, MAX_PLANS, normalisePlan, planIndex, planKey} from "./state";

/** `register_receive` with `token`, naming this contract's code hash, as a sub-message of `res`. */
function registerReceive(env: Env, res: Response, token: JsonValue): void {
  const msg = JsonValue.object().set("register_receive", JsonValue.object().setString("code_hash", env.codeHash));
  res.addWasmExecute(field(token, "address"), field(token, "code_hash"), msg, []);
}

/** An optional `ContractRef` member checked and copied (JSON null when absent); null after `fail`. */
function optionalRef(msg: JsonValue, key: string, what: string): JsonValue | null {
  const v = msg.get(key);
  if (isAbsent(v)) return JsonValue.null_();
  return contractRef(v!, what);
}

export function instantiateManager(env: Env, info: Info, msg: JsonValue): Response | null {
  const adminValue = msg.get("admin");
  const admin = isAbsent(adminValue) ? info.sender : adminValue!.asString();
  if (!validAddress(admin, "admin")) return null;
  const token = contractRef(msg.get("payment_token")!, "payment token");
  if (token === null) return null;
  const wm = optionalRef(msg, "worker_manager", "worker manager");
  if (wm === null) return null;
  const rm = optionalRef(msg, "rewards_manager", "rewards manager");
  if (rm === null) return null;
  const config = JsonValue.object().setString("admin", admin).set("payment_token", token).set("worker_manager", wm).set("rewards_manager", rm);
  Storage.setJson(KEY_CONFIG, config);
  const plans = msg.get("plans");
  if (!isAbsent(plans)) {
    const items = plans!.items;
    const seen = new Array<string>();
    for (let i = 0; i < items.length; i++) {
      const id = field(items[i], "id");
      if (seen.includes(id)) {
        fail(`duplicate plan id ${id}`);
        return null;
      }
      seen.push(id);
      const plan = normalisePlan(items[i]);
      if (plan === null) return null;
      Storage.setJson(planKey(id), plan);
      planIndex().add(id);
    }
  }
  const res = new Response();
  registerReceive(env, res, token);
  return res;
}

export function setPlan(env: Env, info: Info, body: JsonValue): Response | null {
  const config = loadConfig();
  if (config === null || !requireAdminOf(config, info.sender, "set_plan")) return null;
  const plan = body.get("plan")!;
  const id = field(plan, "id");
  const plans = planIndex();
  if (!plans.contains(id) && plans.count() >= MAX_PLANS) {
    fail(`at most ${MAX_PLANS.toString()} plans; remove one first`);
    return null;
  }
  const stored = normalisePlan(plan);
  if (stored === null) return null;
  Storage.setJson(planKey(id), stored);
  plans.add(id);
  return statusResponse("set_plan");
}

export function removePlan(env: Env, info: Info, body: JsonValue): Response | null {
  const config = loadConfig();
  if (config === null || !requireAdminOf(config, info.sender, "remove_plan")) return null;
  const id = field(body, "plan_id");
  if (!Storage.has(planKey(id))) {
    fail(`unknown plan ${quoteJson(id)}`);
    return null;
  }
  Storage.remove(planKey(id));
  planIndex().remove(id);
  return statusResponse("remove_plan");
}

export function updateConfig(env: Env, info: Info, body: JsonValue): Response | null {
  const config = loadConfig();
  if (config === null || !requireAdminOf(config, info.sender, "update_config")) return null;
  const next = config.clone();
  const admin = body.get("admin");
  if (!isAbsent(admin)) {
    if (!validAddress(admin!.asString(), "admin")) return null;
    next.setString("admin", admin!.asString());
  }
  const refs: string[] = ["payment_token", "worker_manager", "rewards_manager"];
  const names: string[] = ["payment token", "worker manager", "rewards manager"];
  for (let i = 0; i < refs.length; i++) {
    const v = body.get(refs[i]);
    if (isAbsent(v)) continue;
    const ref = contractRef(v!, names[i]);
    if (ref === null) return null;
    next.set(refs[i], ref);
  }
  Storage.setJson(KEY_CONFIG, next);
  const res = statusResponse("update_config");
  const before = field(config.get("payment_token")!, "address");
  const after = next.get("payment_token")!;
  if (field(after, "address") != before) registerReceive(env, res, after);
  return res;
}

export function revokePermit(env: Env, info: Info, body: JsonValue): Response | null {
  storeRevocation(info.sender, field(body, "permit_name"));
  return statusResponse("revoke_permit");
}

export function chargeUsage(env: Env, info: Info, body: JsonValue): Response | null {
  notBuilt("charge_usage");
  return null;
}
