#!/usr/bin/env node
// Subscribes with nothing but secretjs's public API, the way a wallet sends SNIP-20 tokens: a plain `send` WITHOUT
// `recipient_code_hash`. The SubscriptionManager registered its `receive` with the token when it was instantiated,
// so the token calls it anyway. Prints one JSON summary on stdout.
//
//   secretai devnet start --detach --json > devnet.json
//   secretai keys add me --keyring-backend test --json > me.json && secretai devnet fund me
//   DEVNET_JSON=devnet.json MNEMONIC="$(jq -r .mnemonic me.json)" node examples/secretjs-subscribe.mjs
import {readFileSync} from 'node:fs';
import {SecretNetworkClient, Wallet} from 'secretjs';

const devnet = JSON.parse(readFileSync(process.env.DEVNET_JSON ?? 'devnet.json', 'utf8'));
if (!process.env.MNEMONIC) throw new Error('set MNEMONIC to a funded devnet key');
const wallet = new Wallet(process.env.MNEMONIC);
const client = new SecretNetworkClient({url: devnet.url, chainId: devnet.chainId, wallet, walletAddress: wallet.address});
const token = devnet.contracts.paymentToken;
const subs = devnet.contracts.subscriptionManager;
const tx = {gasLimit: 800_000, broadcastCheckIntervalMs: 100};
const b64 = (v) => Buffer.from(JSON.stringify(v)).toString('base64');

const tokenPermit = await client.utils.accessControl.permit.sign(wallet.address, devnet.chainId, 'example-token', [token.address], ['balance'], false);
const balance = async () =>
  (await client.query.compute.queryContract({contract_address: token.address, code_hash: token.codeHash, query: {with_permit: {permit: tokenPermit, query: {balance: {}}}}}))
    .balance.amount;
const send = (amount, msg) =>
  client.tx.compute.executeContract(
    {sender: wallet.address, contract_address: token.address, code_hash: token.codeHash, msg: {send: {recipient: subs.address, amount, msg: b64(msg)}}},
    tx,
  );

const {plans} = await client.query.compute.queryContract({contract_address: subs.address, code_hash: subs.codeHash, query: {plans: {}}});
const basic = plans.find((p) => p.id === 'basic');
const out = {address: wallet.address, plan: basic, balanceBefore: await balance()};

// 1. an unknown msg: the SubscriptionManager refuses it, the whole tx fails and the tokens stay with the sender
const refused = await send(basic.price, {donate: {}});
out.unknownMsg = {code: refused.code, rawLog: refused.rawLog, balanceAfter: await balance()};

// 2. {"subscribe":{"plan_id":"basic"}} with the exact price subscribes
const paid = await send(basic.price, {subscribe: {plan_id: 'basic'}});
const subsPermit = await client.utils.accessControl.permit.sign(wallet.address, devnet.chainId, 'example-subs', [subs.address], ['balance'], false);
out.subscribe = {
  code: paid.code,
  balanceAfter: await balance(),
  subscription: await client.query.compute.queryContract({contract_address: subs.address, code_hash: subs.codeHash, query: {subscription: {permit: subsPermit}}}),
};

console.log(JSON.stringify(out, null, 2));
