/**
 * Supply and administration: `mint` (minters only), `burn`, and the admin's `add_minters`, `remove_minters`,
 * `set_minters`, `change_admin`.
 */
import {Env, Info} from "../../lib/env";
import {JsonValue} from "../../lib/json";
import {fail} from "../../lib/result";
import {Response} from "../../lib/response";
import {amountAt, setAmount} from "./amount";
import {parseUint128} from "../../lib/u128";
import {ERR_BURN_DISABLED, ERR_BURN_SUPPLY, ERR_MINT_DISABLED, ERR_MINT_OVERFLOW, ERR_NOT_ADMIN, ERR_NOT_MINTER} from "./errors";
import {action, mintAction, recordTx} from "./history";
import {KEY_TOTAL_SUPPLY} from "./keys";
import {field, statusResponse, stringList, validAddress} from "../../lib/contract";
import {unique} from "./msg";
import {Config, credit, destroy, loadConfig, loadMinters, saveConfig, saveMinters} from "./state";

export function mint(env: Env, info: Info, body: JsonValue): Response | null {
  const config = loadConfig();
  if (config === null) return null;
  if (!config.flag("enable_mint")) {
    fail(ERR_MINT_DISABLED);
    return null;
  }
  if (!loadMinters().includes(info.sender)) {
    fail(ERR_NOT_MINTER);
    return null;
  }
  const recipient = field(body, "recipient");
  if (!validAddress(recipient, "recipient")) return null;
  const value = parseUint128(field(body, "amount"));
  if (value === null) return null;
  const newSupply = amountAt(KEY_TOTAL_SUPPLY).add(value);
  if (newSupply === null) {
    fail(ERR_MINT_OVERFLOW);
    return null;
  }
  setAmount(KEY_TOTAL_SUPPLY, newSupply);
  if (!credit(recipient, value)) return null;
  recordTx(env, mintAction(info.sender, recipient), config.symbol, value, body.getString("memo"), [recipient, info.sender]);
  return statusResponse("mint");
}

export function burn(env: Env, info: Info, body: JsonValue): Response | null {
  const config = loadConfig();
  if (config === null) return null;
  if (!config.flag("enable_burn")) {
    fail(ERR_BURN_DISABLED);
    return null;
  }
  const value = parseUint128(field(body, "amount"));
  if (value === null) return null;
  if (!destroy(info.sender, value, ERR_BURN_SUPPLY)) return null;
  const burnAction = action("burn", JsonValue.object().set("burner", JsonValue.str(info.sender)).set("owner", JsonValue.str(info.sender)));
  recordTx(env, burnAction, config.symbol, value, body.getString("memo"), [info.sender]);
  return statusResponse("burn");
}

/** The configuration when `sender` is the admin; null after a failure. */
function requireTokenAdmin(sender: string): Config | null {
  const config = loadConfig();
  if (config === null) return null;
  if (sender != config.admin) {
    fail(ERR_NOT_ADMIN);
    return null;
  }
  return config;
}

/** The `minters` field, each address checked; null after a failure. */
function checkedMinters(body: JsonValue): string[] | null {
  const minters = stringList(body.get("minters")!);
  for (let i = 0; i < minters.length; i++) if (!validAddress(minters[i], "minter")) return null;
  return minters;
}

export function addMinters(env: Env, info: Info, body: JsonValue): Response | null {
  if (requireTokenAdmin(info.sender) === null) return null;
  const added = checkedMinters(body);
  if (added === null) return null;
  saveMinters(unique(loadMinters().concat(added)));
  return statusResponse("add_minters");
}

export function removeMinters(env: Env, info: Info, body: JsonValue): Response | null {
  if (requireTokenAdmin(info.sender) === null) return null;
  const removed = stringList(body.get("minters")!);
  const current = loadMinters();
  const kept = new Array<string>();
  for (let i = 0; i < current.length; i++) if (!removed.includes(current[i])) kept.push(current[i]);
  saveMinters(kept);
  return statusResponse("remove_minters");
}

export function setMinters(env: Env, info: Info, body: JsonValue): Response | null {
  if (requireTokenAdmin(info.sender) === null) return null;
  const minters = checkedMinters(body);
  if (minters === null) return null;
  saveMinters(unique(minters));
  return statusResponse("set_minters");
}

export function changeAdmin(env: Env, info: Info, body: JsonValue): Response | null {
  const config = requireTokenAdmin(info.sender);
  if (config === null) return null;
  const address = field(body, "address");
  if (!validAddress(address, "admin")) return null;
  saveConfig(config.json.set("admin", JsonValue.str(address)));
  return statusResponse("change_admin");
}
