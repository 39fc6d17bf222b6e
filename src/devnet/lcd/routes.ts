/**
 * The LCD routes of the devnet (`secret-lcd-devnet.md` E1–E10 and the optional compute and tendermint reads): the
 * Secret Network LCD / gRPC-gateway subset secretjs uses, over the node's {@link DevnetNode} interface.
 */
import {fromBase64Lenient, toBase64} from '../../../contracts/common/encoding.js';
import {TxError, rfc3339, type DevnetNode, type TxResponseJson} from '../node/index.js';
import {GRPC, HttpError, RawJson, type Route} from './http.js';
import {
  accountJson,
  codeInfoJson,
  contractInfoJson,
  parseSearchConditions,
  requireAddress,
  requireCodeId,
  txMatches,
  TX_SEARCH_LIMIT,
} from './views.js';

/** Version string reported by node_info. */
const DEVNET_VERSION = '0.1.0';

/** The LCD routes over a node; `url` is the server's public URL (node_info). */
export function lcdRoutes(chain: DevnetNode, url: () => string): Route[] {
  return [
  // E1
  {method: 'GET', pattern: /^\/registration\/v1beta1\/tx-key$/, handler: () => ({key: toBase64(chain.ioPublicKey)})},
  // E2
  {
    method: 'GET',
    pattern: /^\/cosmos\/auth\/v1beta1\/accounts\/([^/]+)$/,
    handler: (_req, m) => {
      const address = requireAddress(m[1]!);
      const account = accountJson(chain.account(address));
      if (!account) throw new HttpError(GRPC.notFound, `account ${address} not found: key not found`);
      return {account};
    },
  },
  // E3
  {
    method: 'GET',
    pattern: /^\/compute\/v1beta1\/code_hash\/by_contract_address\/([^/]+)$/,
    handler: (_req, m) => {
      const address = requireAddress(m[1]!);
      const contract = chain.contract(address);
      if (!contract) throw new HttpError(GRPC.notFound, `contract ${address} not found: not found`);
      return {code_hash: contract.codeHash};
    },
  },
  // E4
  {
    method: 'GET',
    pattern: /^\/compute\/v1beta1\/code_hash\/by_code_id\/([^/]+)$/,
    handler: (_req, m) => {
      const code = chain.code(requireCodeId(m[1]!));
      if (!code) throw new HttpError(GRPC.notFound, `code id ${m[1]} not found: not found`);
      return {code_hash: code.codeHash};
    },
  },
  // E5
  {
    method: 'GET',
    pattern: /^\/compute\/v1beta1\/query\/([^/]+)$/,
    handler: (req, m) => {
      const address = requireAddress(m[1]!);
      const query = req.params.get('query');
      if (!query) throw new HttpError(GRPC.invalidArgument, 'missing query parameter "query"');
      let bytes: Uint8Array;
      try {
        // A literal '+' arrives as ' ' after form decoding; restore it.
        bytes = fromBase64Lenient(query.replace(/ /g, '+'));
      } catch {
        throw new HttpError(GRPC.invalidArgument, 'query parameter "query" is not base64');
      }
      return {data: chain.queryContract(address, bytes)};
    },
  },
  // E6
  {
    method: 'POST',
    pattern: /^\/cosmos\/tx\/v1beta1\/txs$/,
    joinsBatch: true,
    handler: (req) => {
      const txBytes = req.body.txBytes ?? req.body.tx_bytes;
      if (typeof txBytes !== 'string' || !txBytes) throw new HttpError(GRPC.invalidArgument, 'missing txBytes');
      let bytes: Uint8Array;
      try {
        bytes = fromBase64Lenient(txBytes);
      } catch {
        throw new HttpError(GRPC.invalidArgument, 'txBytes is not base64');
      }
      return chain.broadcastQueued(bytes).then((r) => ({tx_response: r.checkTx}));
    },
  },
  // E7
  {
    method: 'GET',
    pattern: /^\/cosmos\/tx\/v1beta1\/txs\/([^/]+)$/,
    handler: (_req, m) => {
      const hash = m[1]!.toUpperCase();
      const json = chain.txJson(hash);
      if (!json) throw new HttpError(GRPC.notFound, `tx not found: ${hash}`);
      return new RawJson(json);
    },
  },
  // tx search (optional)
  {
    method: 'GET',
    pattern: /^\/cosmos\/tx\/v1beta1\/txs$/,
    handler: (req) => {
      const conditions = parseSearchConditions([...req.params.getAll('events'), ...req.params.getAll('query')]);
      if (!conditions.length) throw new HttpError(GRPC.invalidArgument, 'tx search needs events or query');
      const limit = Math.min(Number(req.params.get('pagination.limit') ?? req.params.get('limit') ?? TX_SEARCH_LIMIT) || TX_SEARCH_LIMIT, TX_SEARCH_LIMIT);
      const found: Array<{tx: unknown; tx_response: TxResponseJson}> = [];
      let after = 0;
      for (;;) {
        const rows = chain.txsAfter(after, 500);
        for (const row of rows) {
          const entry = JSON.parse(row.json) as {tx: unknown; tx_response: TxResponseJson};
          if (txMatches(entry.tx_response, conditions)) found.push(entry);
        }
        if (rows.length < 500) break;
        after = rows[rows.length - 1]!.height;
      }
      const page = found.slice(0, limit);
      return {
        txs: page.map((e) => e.tx),
        tx_responses: page.map((e) => e.tx_response),
        pagination: {next_key: null, total: String(found.length)},
        total: String(found.length),
      };
    },
  },
  // E8
  {
    method: 'GET',
    pattern: /^\/cosmos\/bank\/v1beta1\/balances\/([^/]+)\/by_denom$/,
    handler: (req, m) => {
      const address = requireAddress(m[1]!);
      const denom = req.params.get('denom');
      if (!denom) throw new HttpError(GRPC.invalidArgument, 'invalid denom');
      return {balance: {denom, amount: chain.balance(address, denom).toString()}};
    },
  },
  // E9
  {
    method: 'GET',
    pattern: /^\/cosmos\/bank\/v1beta1\/(?:spendable_)?balances\/([^/]+)$/,
    handler: (_req, m) => {
      const balances = chain.balances(requireAddress(m[1]!));
      return {balances, pagination: {next_key: null, total: String(balances.length)}};
    },
  },
  // E10
  {
    method: 'POST',
    pattern: /^\/cosmos\/tx\/v1beta1\/simulate$/,
    handler: (req) => {
      const txBytes = req.body.txBytes ?? req.body.tx_bytes;
      if (typeof txBytes !== 'string' || !txBytes) throw new HttpError(GRPC.invalidArgument, 'missing txBytes');
      let result;
      try {
        result = chain.simulate(fromBase64Lenient(txBytes));
      } catch (err) {
        if (err instanceof TxError) throw new HttpError(GRPC.unknown, err.log);
        throw err;
      }
      return {
        gas_info: {gas_wanted: String(result.gasWanted), gas_used: String(result.gasUsed)},
        result: {
          data: '',
          log: '',
          events: result.events,
          msg_responses: result.msgResponses.map((a) => ({'@type': a.type_url})),
        },
      };
    },
  },
  // optional compute reads
  {
    method: 'GET',
    pattern: /^\/compute\/v1beta1\/info\/([^/]+)$/,
    handler: (_req, m) => {
      const contract = chain.contract(requireAddress(m[1]!));
      if (!contract) throw new HttpError(GRPC.notFound, `contract ${m[1]} not found: not found`);
      return {contract_address: contract.address, contract_info: contractInfoJson(contract)};
    },
  },
  {
    method: 'GET',
    pattern: /^\/compute\/v1beta1\/contracts\/([^/]+)$/,
    handler: (_req, m) => ({
      contract_infos: chain
        .contractsByCode(requireCodeId(m[1]!))
        .map((c) => ({contract_address: c.address, contract_info: contractInfoJson(c)})),
    }),
  },
  {
    method: 'GET',
    pattern: /^\/compute\/v1beta1\/codes$/,
    handler: () => ({code_infos: chain.codes().map(codeInfoJson)}),
  },
  {
    method: 'GET',
    pattern: /^\/compute\/v1beta1\/code\/([^/]+)$/,
    handler: (_req, m) => {
      const c = chain.code(requireCodeId(m[1]!));
      if (!c) throw new HttpError(GRPC.notFound, `code id ${m[1]} not found: not found`);
      const wasm = chain.codeWasm(c.codeId);
      return {code_info: codeInfoJson(c), wasm: wasm ? toBase64(wasm) : ''};
    },
  },
  {
    method: 'GET',
    pattern: /^\/compute\/v1beta1\/label\/([^/]+)$/,
    handler: (_req, m) => {
      const contract = chain.contract(requireAddress(m[1]!));
      if (!contract) throw new HttpError(GRPC.notFound, `contract ${m[1]} not found: not found`);
      return {label: contract.label};
    },
  },
  {
    method: 'GET',
    pattern: /^\/compute\/v1beta1\/contract_address\/([^/]+)$/,
    handler: (_req, m) => {
      let label: string;
      try {
        label = decodeURIComponent(m[1]!);
      } catch {
        throw new HttpError(GRPC.invalidArgument, 'malformed label');
      }
      const contract = chain.contractByLabel(label);
      if (!contract) throw new HttpError(GRPC.notFound, `label ${label} not found: not found`);
      return {contract_address: contract.address};
    },
  },
  // optional tendermint reads
  {
    method: 'GET',
    pattern: /^\/cosmos\/base\/tendermint\/v1beta1\/node_info$/,
    handler: () => ({
      default_node_info: {
        protocol_version: {p2p: '8', block: '11', app: '0'},
        default_node_id: '0000000000000000000000000000000000000000',
        listen_addr: url(),
        network: chain.chainId,
        version: '0.38.0',
        channels: '',
        moniker: 'secretai-devnet',
        other: {tx_index: 'on', rpc_address: ''},
      },
      application_version: {
        name: 'secretai-devnet',
        app_name: 'secretai-devnet',
        version: DEVNET_VERSION,
        git_commit: '',
        build_tags: '',
        go_version: '',
        build_deps: [],
        cosmos_sdk_version: 'v0.50',
      },
    }),
  },
  {
    method: 'GET',
    pattern: /^\/cosmos\/base\/tendermint\/v1beta1\/blocks\/latest$/,
    handler: () => {
      const header = {
        version: {block: '11', app: '0'},
        chain_id: chain.chainId,
        height: String(chain.height),
        time: rfc3339(chain.currentTime()),
        last_block_id: null,
        proposer_address: '',
      };
      const blockId = {hash: '', part_set_header: {total: 0, hash: ''}};
      return {
        block_id: blockId,
        block: {header, data: {txs: []}, evidence: {evidence: []}, last_commit: null},
        sdk_block: {header, data: {txs: []}, evidence: {evidence: []}, last_commit: null},
      };
    },
  },
  {method: 'GET', pattern: /^\/cosmos\/base\/tendermint\/v1beta1\/syncing$/, handler: () => ({syncing: false})},
  ];
}
