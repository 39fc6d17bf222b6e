/**
 * The router of the node, in the shape of cw-multi-test's `App` router: every message, a tx's or a contract's
 * submessage, goes to the module that owns it (bank or wasm). Submessages run depth-first, each nesting level
 * prefixing its errors with `dispatch: submessages: `.
 */
import type {ContractRecord} from '../store.js';
import type {BankModule} from './bank.js';
import type {Any} from './codec.js';
import {NESTED_PREFIX, TxError, type DecodedMsg, type ExecContext} from './types.js';
import type {SubMsg, SubmessageDispatcher, WasmModule} from './wasm.js';

/** Routes messages to the bank and wasm modules. */
export class Router implements SubmessageDispatcher {
  constructor(
    readonly bank: BankModule,
    readonly wasm: WasmModule,
  ) {
    wasm.router = this;
  }

  /** Executes one validated top-level message; returns its `msg_responses` entry. */
  execute(m: DecodedMsg, ctx: ExecContext): Any {
    switch (m.kind) {
      case 'send':
        return this.bank.send(m, ctx);
      case 'execute':
        return this.wasm.execute(m, ctx);
      case 'instantiate':
        return this.wasm.instantiate(m, ctx);
      case 'storeCode':
        return this.wasm.storeCode(m, ctx);
    }
  }

  /** Runs the submessages of a contract that ran at nesting `depth`, in order. */
  dispatch(sender: ContractRecord, messages: readonly SubMsg[], ctx: ExecContext, depth: number): void {
    for (const sub of messages) {
      if ('wasm_execute' in sub) {
        this.wasm.executeNested(sender, sub.wasm_execute, ctx, depth + 1);
      } else if ('bank_send' in sub) {
        this.bank.sendFromContract(sender.address, sub.bank_send, ctx, depth + 1);
      } else if ('unsupported' in sub) {
        throw new TxError(
          10,
          'compute',
          `${NESTED_PREFIX.repeat(depth + 1)}unsupported submessage ${sub.unsupported}: the devnet runs wasm execute and bank send messages without replies: invalid CosmosMsg from the contract`,
        );
      } else {
        throw new TxError(
          10,
          'compute',
          `${NESTED_PREFIX.repeat(depth + 1)}unknown submessage ${JSON.stringify(Object.keys(sub ?? {}))}: invalid CosmosMsg from the contract`,
        );
      }
    }
  }
}
