#!/usr/bin/env node
// Talks to a running `secretai devnet start` with nothing but secretjs's public API — the same calls a dapp or a
// script would make against pulsar-3 or secret-4. Prints one JSON summary on stdout.
//
//   secretai devnet start --detach --json > devnet.json
//   secretai keys add me --keyring-backend test --json > me.json && secretai devnet fund me
//   DEVNET_JSON=devnet.json MNEMONIC="$(jq -r .mnemonic me.json)" node examples/secretjs-devnet.mjs
import {readFileSync} from 'node:fs';
import {MsgExecuteContractResponse, SecretNetworkClient, Wallet} from 'secretjs';

const devnet = JSON.parse(readFileSync(process.env.DEVNET_JSON ?? 'devnet.json', 'utf8'));
if (!process.env.MNEMONIC) throw new Error('set MNEMONIC to a funded devnet key');
const wallet = new Wallet(process.env.MNEMONIC);
const client = new SecretNetworkClient({url: devnet.url, chainId: devnet.chainId, wallet, walletAddress: wallet.address});
const token = devnet.contracts.paymentToken;
const subs = devnet.contracts.subscriptionManager;
const tx = {gasLimit: 800_000, broadcastCheckIntervalMs: 100};
const out = {address: wallet.address};

// 1. account and balance
const {account} = await client.query.auth.account({address: wallet.address});
out.accountNumber = account.account_number;
out.uscrt = (await client.query.bank.balance({address: wallet.address, denom: 'uscrt'})).balance.amount;

// 2. send coins
const other = new Wallet();
const sent = await client.tx.bank.send({from_address: wallet.address, to_address: other.address, amount: [{denom: 'uscrt', amount: '1234'}]}, {gasLimit: 20_000, broadcastCheckIntervalMs: 100});
out.bankSend = {code: sent.code, received: (await client.query.bank.balance({address: other.address, denom: 'uscrt'})).balance.amount};

// 3. query a contract
out.tokenInfo = await client.query.compute.queryContract({contract_address: token.address, code_hash: token.codeHash, query: {token_info: {}}});

// 4. execute: SNIP-20 send to the SubscriptionManager, whose `receive` callback credits a prepaid balance
const send = await client.tx.compute.executeContract(
  {
    sender: wallet.address,
    contract_address: token.address,
    code_hash: token.codeHash,
    msg: {send: {recipient: subs.address, recipient_code_hash: subs.codeHash, amount: '1000000', msg: Buffer.from(JSON.stringify({deposit: {}})).toString('base64')}},
  },
  tx,
);
out.tokenSend = {code: send.code, data: JSON.parse(new TextDecoder().decode(MsgExecuteContractResponse.decode(send.data[0]).data))};
const permit = await client.utils.accessControl.permit.sign(wallet.address, devnet.chainId, 'example', [subs.address], ['balance'], false);
out.subscription = await client.query.compute.queryContract({contract_address: subs.address, code_hash: subs.codeHash, query: {subscription: {permit}}});

// 5. a failed tx and its decrypted error
const failed = await client.tx.compute.executeContract(
  {sender: wallet.address, contract_address: token.address, code_hash: token.codeHash, msg: {transfer: {recipient: other.address, amount: '999999999999999'}}},
  tx,
);
out.failedTx = {code: failed.code, rawLog: failed.rawLog};

console.log(JSON.stringify(out, null, 2));
