/**
 * What an entry point returns, as the JSON envelopes the host accepts: execute/instantiate
 * `{"Ok":{"messages":[…],"attributes":[…],"events":[],"data":…}}`, query `{"Ok":"<base64 of the answer>"}`,
 * error `{"Err":"Generic error: <message>"}` (the text the devnet always showed for contract errors).
 */
import { toBase64, utf8Encode } from "./bytes";
import { Coin, coinsJson } from "./env";
import { JsonValue, stringify } from "./json";

/** Prefix of every contract error text, as CosmWasm renders `StdError::GenericErr`. */
export const GENERIC_ERROR_PREFIX = "Generic error: ";

class Attribute {
  constructor(
    public key: string,
    public value: string,
    public encrypted: bool,
  ) {}
}

export class Response {
  messages: JsonValue[] = [];
  attributes: Attribute[] = [];
  /** Base64 of the answer JSON, or null. */
  data: string | null = null;

  /** An attribute encrypted for the transaction's sender (the default for Secret contracts). */
  addAttribute(key: string, value: string): Response {
    this.attributes.push(new Attribute(key, value, true));
    return this;
  }

  /** A public attribute (indexed and visible to everyone). */
  addPlainAttribute(key: string, value: string): Response {
    this.attributes.push(new Attribute(key, value, false));
    return this;
  }

  /** The answer returned to the caller (`MsgExecuteContractResponse.data`). */
  setData(json: JsonValue): Response {
    this.data = toBase64(utf8Encode(stringify(json)));
    return this;
  }

  /** Executes `msg` on another contract after this one returns (CosmWasm `WasmMsg::Execute`, reply never). */
  addWasmExecute(contract: string, codeHash: string, msg: JsonValue, funds: Coin[]): Response {
    const execute = JsonValue.object()
      .setString("contract_addr", contract)
      .setString("code_hash", codeHash)
      .setString("msg", toBase64(utf8Encode(stringify(msg))))
      .set("funds", coinsJson(funds));
    return this.addMessage(JsonValue.object().set("wasm", JsonValue.object().set("execute", execute)));
  }

  /** Sends native coins (CosmWasm `BankMsg::Send`). */
  addBankSend(to: string, coins: Coin[]): Response {
    const send = JsonValue.object().setString("to_address", to).set("amount", coinsJson(coins));
    return this.addMessage(JsonValue.object().set("bank", JsonValue.object().set("send", send)));
  }

  /** Wraps a CosmWasm `CosmosMsg` as a fire-and-forget `SubMsg`. */
  addMessage(cosmosMsg: JsonValue): Response {
    const sub = JsonValue.object()
      .setU64("id", 0)
      .set("msg", cosmosMsg)
      .setNull("gas_limit")
      .setString("reply_on", "never");
    this.messages.push(sub);
    return this;
  }

  /** The success envelope. */
  toJson(): string {
    const messages = JsonValue.array();
    for (let i = 0; i < this.messages.length; i++) messages.push(this.messages[i]);
    const attributes = JsonValue.array();
    for (let i = 0; i < this.attributes.length; i++) {
      const a = this.attributes[i];
      attributes.push(JsonValue.object().setString("key", a.key).setString("value", a.value).setBool("encrypted", a.encrypted));
    }
    const ok = JsonValue.object()
      .set("messages", messages)
      .set("attributes", attributes)
      .set("events", JsonValue.array())
      .set("data", JsonValue.strOrNull(this.data));
    return stringify(JsonValue.object().set("Ok", ok));
  }
}

/** The query success envelope: `{"Ok":"<base64 of the answer JSON>"}`. */
export function queryResultJson(answer: JsonValue): string {
  return stringify(JsonValue.object().setString("Ok", toBase64(utf8Encode(stringify(answer)))));
}

/** The error envelope: `{"Err":"Generic error: <message>"}`. */
export function errorJson(message: string): string {
  return stringify(JsonValue.object().setString("Err", GENERIC_ERROR_PREFIX + message));
}
