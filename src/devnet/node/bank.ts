/**
 * The bank module of the node: native-coin transfers (top-level `MsgSend`, contract `bank_send`, funds sent with a
 * contract call) and the fee of a tx, over the store's balances.
 */
import type {Coin} from '../../../contracts/common/types.js';
import {isSecretAddress} from '../crypto.js';
import type {AccountRecord, Store} from '../store.js';
import {TYPE_URL, type Any} from './codec.js';
import {
  FEE_COLLECTOR_ADDRESS,
  GAS,
  NESTED_PREFIX,
  TxError,
  attr,
  coinsToString,
  validateCoins,
  type DecodedMsg,
  type DecodedTx,
  type ExecContext,
} from './types.js';

/** Native balances: transfers and fees. */
export class BankModule {
  constructor(private readonly store: Store) {}

  /** Moves the fee to the fee collector and increments the signer's sequence (both stay when messages fail). */
  chargeFee(tx: DecodedTx, account: AccountRecord): void {
    for (const c of tx.fee) {
      const have = this.store.getBalance(tx.signer, c.denom);
      this.store.setBalance(tx.signer, c.denom, have - BigInt(c.amount));
      this.store.ensureAccount(FEE_COLLECTOR_ADDRESS);
      this.store.setBalance(FEE_COLLECTOR_ADDRESS, c.denom, this.store.getBalance(FEE_COLLECTOR_ADDRESS, c.denom) + BigInt(c.amount));
    }
    this.store.setAccountSequence(tx.signer, account.sequence + 1, tx.pubkey);
  }

  /** Top-level `MsgSend`; returns its `msg_responses` entry. */
  send(m: Extract<DecodedMsg, {kind: 'send'}>, ctx: ExecContext): Any {
    ctx.events.push({
      type: 'message',
      attributes: [attr('action', TYPE_URL.send), attr('sender', m.signer), attr('module', 'bank'), attr('msg_index', String(ctx.msgIndex))],
    });
    this.transfer(m.signer, m.to, m.amount, ctx, 0);
    return {type_url: TYPE_URL.sendResponse, value: new Uint8Array(0)};
  }

  /** A contract's `bank_send` submessage at nesting `depth`. */
  sendFromContract(from: string, sub: {to_address: string; amount: Coin[]}, ctx: ExecContext, depth: number): void {
    const prefix = NESTED_PREFIX.repeat(depth);
    if (!isSecretAddress(sub.to_address)) throw new TxError(7, 'sdk', `${prefix}to address ${sub.to_address}: invalid address`);
    let coins: Coin[];
    try {
      coins = validateCoins(sub.amount, false);
    } catch (err) {
      throw new TxError(10, 'sdk', `${prefix}${(err as TxError).log}`);
    }
    this.transfer(from, sub.to_address, coins, ctx, depth);
  }

  /** Bank transfer with the `transfer` event; code 5 when the sender's balance is too small. */
  transfer(from: string, to: string, coins: readonly Coin[], ctx: ExecContext, depth: number): void {
    ctx.gas.consume(GAS.bankSend);
    for (const c of coins) {
      const have = this.store.getBalance(from, c.denom);
      const amount = BigInt(c.amount);
      if (have < amount) {
        throw new TxError(
          5,
          'sdk',
          `${NESTED_PREFIX.repeat(depth)}spendable balance ${have}${c.denom} is smaller than ${c.amount}${c.denom}: insufficient funds`,
        );
      }
    }
    this.store.ensureAccount(to);
    for (const c of coins) {
      const amount = BigInt(c.amount);
      this.store.setBalance(from, c.denom, this.store.getBalance(from, c.denom) - amount);
      this.store.setBalance(to, c.denom, this.store.getBalance(to, c.denom) + amount);
    }
    ctx.events.push({
      type: 'transfer',
      attributes: [
        attr('recipient', to),
        attr('sender', from),
        attr('amount', coinsToString(coins)),
        attr('msg_index', String(ctx.msgIndex)),
      ],
    });
  }
}
