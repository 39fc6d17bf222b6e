#!/usr/bin/env node
// Uploads a contract with `storeCode`, instantiates and executes it, with nothing but secretjs's public API — the
// same calls that deploy a contract to pulsar-3 or secret-4. Prints one JSON summary on stdout.
//
//   secretai devnet start --detach --json > devnet.json
//   secretai keys add me --keyring-backend test --json > me.json && secretai devnet fund me
//   DEVNET_JSON=devnet.json MNEMONIC="$(jq -r .mnemonic me.json)" \
//     node examples/secretjs-storecode.mjs contract.wasm [init-json] [execute-json] [query-json]
//
// The messages default to those of a counter (`{}`, `{"increment":{}}`, `{"count":{}}`).
import {createHash} from 'node:crypto';
import {readFileSync} from 'node:fs';
import {MsgExecuteContractResponse, SecretNetworkClient, Wallet} from 'secretjs';

const [wasmPath, initJson = '{}', executeJson = '{"increment":{}}', queryJson = '{"count":{}}'] = process.argv.slice(2);
if (!wasmPath) throw new Error('usage: secretjs-storecode.mjs <contract.wasm> [init-json] [execute-json] [query-json]');
const devnet = JSON.parse(readFileSync(process.env.DEVNET_JSON ?? 'devnet.json', 'utf8'));
if (!process.env.MNEMONIC) throw new Error('set MNEMONIC to a funded devnet key');
const wallet = new Wallet(process.env.MNEMONIC);
const client = new SecretNetworkClient({url: devnet.url, chainId: devnet.chainId, wallet, walletAddress: wallet.address});
const wasm = readFileSync(wasmPath);
const out = {sha256: createHash('sha256').update(wasm).digest('hex')};
const logValue = (tx, key) => tx.arrayLog?.find((l) => l.type === 'message' && l.key === key)?.value;
const failed = (step, tx) => {
  throw new Error(`${step} failed with code ${tx.code}: ${tx.rawLog}`);
};

// 1. upload: the code id comes from the `message.code_id` event, as secretjs's own docs read it
const stored = await client.tx.compute.storeCode(
  {sender: wallet.address, wasm_byte_code: wasm, source: '', builder: ''},
  {gasLimit: 5_000_000, broadcastCheckIntervalMs: 100},
);
if (stored.code !== 0) failed('storeCode', stored);
const codeId = Number(logValue(stored, 'code_id'));
out.codeId = codeId;
out.codeHash = (await client.query.compute.codeHashByCodeId({code_id: String(codeId)})).code_hash;
const code = await client.query.compute.code({code_id: String(codeId)});
out.codeInfo = code.code_info;
out.storedBytes = Buffer.from(code.wasm ?? '', 'base64').length;
out.listed = (await client.query.compute.codes({})).code_infos.some((c) => c.code_id === String(codeId));

// 2. instantiate from the code id
const instantiated = await client.tx.compute.instantiateContract(
  {sender: wallet.address, code_id: codeId, code_hash: out.codeHash, init_msg: JSON.parse(initJson), label: `storecode-example-${Date.now()}`},
  {gasLimit: 1_000_000, broadcastCheckIntervalMs: 100},
);
if (instantiated.code !== 0) failed('instantiateContract', instantiated);
const address = logValue(instantiated, 'contract_address');
out.address = address;
out.contractInfo = (await client.query.compute.contractInfo({contract_address: address})).contract_info;
out.codeHashByAddress = (await client.query.compute.codeHashByContractAddress({contract_address: address})).code_hash;

// 3. execute and query
const executed = await client.tx.compute.executeContract(
  {sender: wallet.address, contract_address: address, code_hash: out.codeHash, msg: JSON.parse(executeJson)},
  {gasLimit: 1_000_000, broadcastCheckIntervalMs: 100},
);
if (executed.code !== 0) failed('executeContract', executed);
const data = MsgExecuteContractResponse.decode(executed.data[0]).data;
out.execute = {
  code: executed.code,
  gasUsed: Number(executed.gasUsed),
  data: data.length ? JSON.parse(Buffer.from(data).toString('utf8')) : null,
  attributes: executed.arrayLog.filter((l) => l.type === 'wasm' && l.key !== 'contract_address').map((l) => ({key: l.key, value: l.value})),
};
out.query = await client.query.compute.queryContract({contract_address: address, code_hash: out.codeHash, query: JSON.parse(queryJson)});

console.log(JSON.stringify(out, null, 2));
