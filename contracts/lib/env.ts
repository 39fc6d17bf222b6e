/**
 * The call's context as the host passes it: `env` (block, transaction, contract) and `info` (sender, funds),
 * parsed from their JSON. Block time comes as nanoseconds (a string); `time` is whole seconds, the clock the
 * TypeScript contracts used.
 */
import { JsonValue } from "./json";

const NANOS_PER_SECOND: u64 = 1000000000;

/** A native coin amount; `amount` is a decimal string of base units. */
export class Coin {
  constructor(
    public denom: string,
    public amount: string,
  ) {}

  toJson(): JsonValue {
    return JsonValue.object().setString("denom", this.denom).setString("amount", this.amount);
  }

  static fromJson(v: JsonValue): Coin {
    return new Coin(stringField(v, "denom"), stringField(v, "amount"));
  }
}

/** Coins as a JSON array. */
export function coinsJson(coins: Coin[]): JsonValue {
  const arr = JsonValue.array();
  for (let i = 0; i < coins.length; i++) arr.push(coins[i].toJson());
  return arr;
}

function stringField(v: JsonValue, key: string): string {
  const s = v.getString(key);
  return s === null ? "" : s;
}

/** Parses a non-negative decimal integer string; 0 when it is not one. */
function parseU64Text(s: string): u64 {
  let v: u64 = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return 0;
    v = v * 10 + <u64>(c - 0x30);
  }
  return v;
}

export class Env {
  height: u64 = 0;
  /** Block time in Unix seconds. */
  time: u64 = 0;
  /** Block time in nanoseconds, as the host's decimal string. */
  timeNanos: string = "0";
  chainId: string = "";
  contractAddress: string = "";
  codeHash: string = "";
  /** `env.block.random` (base64) when the contract exports `requires_random`, else null. */
  random: string | null = null;
  /** Index of the transaction in the block, or -1 in a query. */
  transactionIndex: i64 = -1;
  /** Hash of the transaction, or null in a query. */
  transactionHash: string | null = null;

  static fromJson(v: JsonValue): Env {
    const env = new Env();
    const block = v.opt("block");
    if (block !== null) {
      env.height = block.getU64("height");
      const time = block.get("time");
      if (time !== null) {
        // The host sends a string (CosmWasm `Timestamp`); accept a number too.
        env.timeNanos = time.isString ? time.asString() : time.numText;
        env.time = (time.isString ? parseU64Text(time.asString()) : time.asU64()) / NANOS_PER_SECOND;
      }
      env.chainId = stringField(block, "chain_id");
      env.random = block.getString("random");
    }
    const tx = v.opt("transaction");
    if (tx !== null) {
      env.transactionIndex = <i64>tx.getU64("index");
      env.transactionHash = tx.getString("hash");
    }
    const contract = v.opt("contract");
    if (contract !== null) {
      env.contractAddress = stringField(contract, "address");
      env.codeHash = stringField(contract, "code_hash");
    }
    return env;
  }
}

export class Info {
  sender: string = "";
  funds: Coin[] = [];

  static fromJson(v: JsonValue): Info {
    const info = new Info();
    info.sender = stringField(v, "sender");
    const funds = v.opt("funds");
    if (funds !== null) {
      const items = funds.items;
      for (let i = 0; i < items.length; i++) info.funds.push(Coin.fromJson(items[i]));
    }
    return info;
  }
}
