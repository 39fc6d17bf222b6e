/**
 * Building blocks shared by the contracts: schema validation in front of every entry point, dispatch of the
 * externally tagged messages (`{"transfer":{…}}`) to one handler per variant, and the small checks most handlers
 * need (admin, addresses, base64 JSON payloads).
 */
import {EncodingError, fromBase64, fromUtf8} from './encoding.js';
import {compileSchema, type SchemaValidator} from './schema.js';
import {
  ContractError,
  response,
  type Api,
  type Contract,
  type ContractSchemaSet,
  type Deps,
  type Env,
  type MessageInfo,
  type ReadonlyDeps,
  type ReadonlyStorage,
  type Response,
} from './types.js';
import type {ContractRef} from './types.generated.js';

/** Variant names of an externally tagged message union (`{transfer: …} | {send: …}` → `'transfer' | 'send'`). */
export type VariantName<M> = M extends unknown ? Extract<keyof M, string> : never;
/** Body type of one variant. */
export type VariantBody<M, K extends string> = M extends {[P in K]: infer B} ? B : never;

/** One execute handler per message variant. */
export type ExecuteHandlers<M> = {
  [K in VariantName<M>]: (deps: Deps, env: Env, info: MessageInfo, body: VariantBody<M, K>) => Response;
};
/** One query handler per query variant; returns the JSON answer. */
export type QueryHandlers<M> = {
  [K in VariantName<M>]: (deps: ReadonlyDeps, env: Env, body: VariantBody<M, K>) => unknown;
};

/** What a contract module provides; {@link defineContract} adds validation and dispatch. */
export interface ContractSpec<I, E, Q> {
  name: string;
  version: string;
  schemas: ContractSchemaSet;
  instantiate(deps: Deps, env: Env, info: MessageInfo, msg: I): Response;
  execute: ExecuteHandlers<E>;
  query: QueryHandlers<Q>;
}

/** A contract with its compiled validators (exposed for tools and tests). */
export interface DefinedContract<I, E, Q> extends Contract<I, E, Q> {
  readonly schemas: ContractSchemaSet;
  readonly validators: {instantiate: SchemaValidator; execute: SchemaValidator; query: SchemaValidator};
}

/** `[name, body]` of a validated single-key message object. */
export function variantOf(msg: unknown): [string, unknown] {
  if (msg === null || typeof msg !== 'object' || Array.isArray(msg)) throw new ContractError('message must be a JSON object');
  const keys = Object.keys(msg);
  if (keys.length !== 1) throw new ContractError(`message must have exactly one variant, got ${keys.length}`);
  return [keys[0]!, (msg as Record<string, unknown>)[keys[0]!]];
}

/**
 * Wraps a contract's handlers: every instantiate, execute and query message is validated against the contract's
 * JSON Schema first (failures → {@link ContractError} with the validator's message, e.g.
 * `execute.send.amount: must match ^[0-9]+$`), then dispatched by variant name. Schemas are compiled here, at
 * module load, so a malformed schema fails at import time rather than on the first message.
 */
export function defineContract<I, E, Q>(spec: ContractSpec<I, E, Q>): DefinedContract<I, E, Q> {
  const validators = {
    instantiate: compileSchema(spec.schemas.instantiate, 'instantiate'),
    execute: compileSchema(spec.schemas.execute, 'execute'),
    query: compileSchema(spec.schemas.query, 'query'),
  };
  const executeHandlers = spec.execute as Record<string, (deps: Deps, env: Env, info: MessageInfo, body: unknown) => Response>;
  const queryHandlers = spec.query as Record<string, (deps: ReadonlyDeps, env: Env, body: unknown) => unknown>;
  return {
    name: spec.name,
    version: spec.version,
    schemas: spec.schemas,
    validators,
    instantiate(deps, env, info, msg) {
      validators.instantiate.assert(msg);
      return spec.instantiate(deps, env, info, msg);
    },
    execute(deps, env, info, msg) {
      validators.execute.assert(msg);
      const [name, body] = variantOf(msg);
      const handler = Object.prototype.hasOwnProperty.call(executeHandlers, name) ? executeHandlers[name] : undefined;
      if (!handler) throw new ContractError(`${name} is not supported`);
      return handler(deps, env, info, body);
    },
    query(deps, env, msg) {
      validators.query.assert(msg);
      const [name, body] = variantOf(msg);
      const handler = Object.prototype.hasOwnProperty.call(queryHandlers, name) ? queryHandlers[name] : undefined;
      if (!handler) throw new ContractError(`${name} is not supported`);
      return handler(deps, env, body);
    },
  };
}

/** Text of the error returned by every message that is in the schema but whose logic is not built in this version. */
export function notBuiltMessage(name: string): string {
  return `${name} is not built yet`;
}

/** A handler for a message that is part of the wire interface but whose logic is not built in this version: always fails. */
export function notBuilt(name: string): (...args: unknown[]) => never {
  return () => {
    throw new ContractError(notBuiltMessage(name));
  };
}

/** Throws `Unauthorized: only the admin can run <action>` unless `sender` is `admin`. */
export function requireAdmin(admin: string, sender: string, action: string): void {
  if (sender !== admin) throw new ContractError(`Unauthorized: only the admin can run ${action}`);
}

/** Checks a bech32 address (checksum included) through the host; throws `Invalid <what> address: …`. */
export function validateAddress(api: Api, addr: string, what: string): string {
  if (!api.addrValidate(addr)) throw new ContractError(`Invalid ${what} address: ${addr}`);
  return addr;
}

/** A copy of `ref` (only `address` and `code_hash`) after checking its address; throws `Invalid <what> address: …`. */
export function checkContractRef(api: Api, ref: ContractRef, what: string): ContractRef {
  validateAddress(api, ref.address, what);
  return {address: ref.address, code_hash: ref.code_hash};
}

/** {@link checkContractRef} for an optional reference: null when `ref` is absent or null. */
export function optionalRef(api: Api, ref: ContractRef | null | undefined, what: string): ContractRef | null {
  return ref === undefined || ref === null ? null : checkContractRef(api, ref, what);
}

/**
 * The value a contract stored under `key` at instantiation (its configuration, …); throws
 * `<contractName> is not instantiated` when there is none.
 */
export function loadInstantiated<T>(storage: ReadonlyStorage, key: string, contractName: string): T {
  const value = storage.get<T>(key);
  if (value === undefined || value === null) throw new ContractError(`${contractName} is not instantiated`);
  return value;
}

/** A response whose data is `{"<name>":{"status":"success"}}`. */
export function statusResponse(name: string): Response {
  return response({[name]: {status: 'success'}});
}

/**
 * Decodes a base64 JSON payload (`Binary`, e.g. SNIP-20 `receive.msg`) and validates it against `validator`.
 * Throws {@link ContractError} for bad base64, bad UTF-8, bad JSON or a schema mismatch.
 */
export function decodeJsonBinary(b64: string, validator: SchemaValidator): unknown {
  let value: unknown;
  try {
    value = JSON.parse(fromUtf8(fromBase64(b64)));
  } catch (e) {
    if (e instanceof EncodingError || e instanceof SyntaxError) throw new ContractError(`${validator.rootName}: not base64 JSON (${e.message})`);
    throw e;
  }
  validator.assert(value);
  return value;
}
