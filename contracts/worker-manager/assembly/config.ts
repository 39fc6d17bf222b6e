/**
 * The stored configuration (`config`), whose JSON the `config` query answers as is. Key order as the TypeScript
 * contract wrote it: `admin, payment_token, min_stake, epoch_seconds, unbonding_seconds, stake_denom,
 * liveness_interval_seconds, subscription_manager, rewards_manager, fee_address, allow_loopback_urls`.
 */
import {JsonValue} from "../../lib/json";
import {Storage} from "../../lib/storage";
import {KEY_CONFIG} from "./keys";
import {field, loadInstantiated, u64Of} from "../../lib/contract";

export class Config {
  constructor(public json: JsonValue) {}

  get admin(): string {
    return field(this.json, "admin");
  }

  get minStake(): string {
    return field(this.json, "min_stake");
  }

  get stakeDenom(): string {
    return field(this.json, "stake_denom");
  }

  get feeAddress(): string {
    return field(this.json, "fee_address");
  }

  get epochSeconds(): u64 {
    return u64Of(this.json.get("epoch_seconds")!);
  }

  get unbondingSeconds(): u64 {
    return u64Of(this.json.get("unbonding_seconds")!);
  }

  get allowLoopbackUrls(): bool {
    return this.json.getBool("allow_loopback_urls");
  }
}

/** The configuration, or null after recording `worker-manager is not instantiated`. */
export function loadConfig(): Config | null {
  const v = loadInstantiated(KEY_CONFIG, "worker-manager");
  if (v === null) return null;
  return new Config(v);
}

export function saveConfig(config: JsonValue): void {
  Storage.setJson(KEY_CONFIG, config);
}
