/**
 * The devnet's HTTP endpoint: the Secret Network LCD / gRPC-gateway subset secretjs uses (`secret-lcd-devnet.md`
 * §1–§2, E1–E10 and the optional reads), plus devnet-only admin endpoints under `/secretai/devnet/`.
 *
 * Transport rules (§1): every response is JSON, errors in the gRPC-gateway shape `{code, message, details}` with
 * the matching HTTP status; repeated slashes are collapsed; POST bodies are parsed as JSON whatever the content type.
 */
import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http';
import {Chain, QueryError, TxError, rfc3339, NATIVE_DENOM, type TxEvent, type TxResponseJson} from './chain.js';
import {fromBase64, isSecretAddress, toBase64} from './crypto.js';
import {DevSigner, DevTxError, type ContractRef, type PreparedMsg} from './signer.js';
import {DEV_ADMIN, type GenesisInfo} from './genesis.js';

/** gRPC status codes used in error bodies, and their HTTP statuses (grpc-gateway mapping). */
export const GRPC = {
  unknown: 2,
  invalidArgument: 3,
  notFound: 5,
  unimplemented: 12,
  internal: 13,
} as const;
const HTTP_STATUS: Record<number, number> = {2: 500, 3: 400, 5: 404, 12: 501, 13: 500};

/** Largest accepted request body, bytes. */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;
/** Largest accepted request head, bytes (encrypted queries travel in the URL; permits make them a few KB). */
export const MAX_HEADER_BYTES = 64 * 1024;
/** Prefix of the devnet-only admin endpoints. */
export const ADMIN_PREFIX = '/secretai/devnet';
/** Version string reported by node_info. */
const DEVNET_VERSION = '0.1.0';

class HttpError extends Error {
  constructor(
    readonly grpcCode: number,
    message: string,
  ) {
    super(message);
  }
}

/** Options of {@link createDevnetServer}. */
export interface DevnetServerOptions {
  chain: Chain;
  genesis: GenesisInfo;
  /** Deployment key of the token the faucet mints (default `paymentToken`; none when absent from genesis). */
  faucetTokenKey?: string;
  /** Called after `POST /secretai/devnet/shutdown` has been answered. */
  onShutdown?: () => void;
  /** Public URL of this server (for status answers). */
  url?: () => string;
}

interface Request {
  method: string;
  path: string;
  params: URLSearchParams;
  body: Record<string, unknown>;
}

type Handler = (req: Request, match: RegExpExecArray) => unknown;

interface Route {
  method: 'GET' | 'POST';
  pattern: RegExp;
  handler: Handler;
  /** Runs while txs of the current group commit are uncommitted (only the broadcast itself). */
  joinsBatch?: boolean;
}

/** A pre-serialised JSON body (sent as-is). */
class RawJson {
  constructor(readonly text: string) {}
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new HttpError(GRPC.invalidArgument, `request body exceeds ${MAX_BODY_BYTES} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = body instanceof RawJson ? body.text : JSON.stringify(body);
  res.writeHead(status, {'content-type': 'application/json', 'content-length': Buffer.byteLength(text)});
  res.end(text);
}

function sendError(res: ServerResponse, grpcCode: number, message: string): void {
  send(res, HTTP_STATUS[grpcCode] ?? 500, {code: grpcCode, message, details: []});
}

function requireAddress(address: string): string {
  if (!isSecretAddress(address)) {
    throw new HttpError(GRPC.invalidArgument, `invalid address ${JSON.stringify(address)}: decoding bech32 failed`);
  }
  return address;
}

function requireCodeId(text: string): number {
  const id = Number(text);
  if (!/^[0-9]+$/.test(text) || !Number.isSafeInteger(id)) throw new HttpError(GRPC.invalidArgument, `invalid code id ${text}`);
  return id;
}

/** Non-negative integer amount given as a decimal string or a safe integer; `undefined`/`null` → 0. */
function parseAmount(value: unknown, field: string): bigint {
  if (value === undefined || value === null || value === '') return 0n;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  if (typeof value === 'string' && /^[0-9]{1,38}$/.test(value)) return BigInt(value);
  throw new HttpError(GRPC.invalidArgument, `${field} must be a non-negative integer (decimal string), got ${JSON.stringify(value)}`);
}

/** `key=value` conditions of a tx search (`message.sender='secret1…' AND tx.height=5`). */
function parseSearchConditions(texts: string[]): Array<{key: string; value: string}> {
  const out: Array<{key: string; value: string}> = [];
  for (const text of texts) {
    for (const part of text.split(/\s+AND\s+/i)) {
      const trimmed = part.trim();
      if (!trimmed) continue;
      const m = /^([A-Za-z0-9_.-]+)\s*=\s*'?([^']*)'?$/.exec(trimmed);
      if (!m) throw new HttpError(GRPC.invalidArgument, `unsupported tx search condition ${JSON.stringify(trimmed)} (use key='value')`);
      out.push({key: m[1]!, value: m[2]!});
    }
  }
  return out;
}

function txMatches(resp: TxResponseJson, conditions: Array<{key: string; value: string}>): boolean {
  return conditions.every(({key, value}) => {
    if (key === 'tx.height') return resp.height === value;
    if (key === 'tx.hash') return resp.txhash === value.toUpperCase();
    const dot = key.lastIndexOf('.');
    const type = key.slice(0, dot);
    const attrKey = key.slice(dot + 1);
    return resp.events.some((e: TxEvent) => e.type === type && e.attributes.some((a) => a.key === attrKey && a.value === value));
  });
}

/** Most txs a search answers in one page. */
const TX_SEARCH_LIMIT = 100;

/**
 * Builds the devnet HTTP server (not yet listening). All handlers are synchronous over the chain, so a tx is
 * committed before its broadcast is answered and E7 finds it at once.
 */
export function createDevnetServer(options: DevnetServerOptions): Server {
  const {chain, genesis} = options;
  const admin = DevSigner.fromMnemonic(DEV_ADMIN.mnemonic);
  const faucetToken: ContractRef | undefined = genesis.contracts[options.faucetTokenKey ?? 'paymentToken'];

  const status = () => ({
    running: true,
    url: options.url?.() ?? '',
    chainId: chain.chainId,
    height: chain.height,
    time: rfc3339(chain.currentTime()),
    timeOffsetSeconds: chain.timeOffset,
  });

  const routes: Route[] = [
    // E1
    {method: 'GET', pattern: /^\/registration\/v1beta1\/tx-key$/, handler: () => ({key: toBase64(chain.io.publicKey)})},
    // E2
    {
      method: 'GET',
      pattern: /^\/cosmos\/auth\/v1beta1\/accounts\/([^/]+)$/,
      handler: (_req, m) => {
        const address = requireAddress(m[1]!);
        const account = chain.accountJson(address);
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
        const contract = chain.store.getContract(address);
        if (!contract) throw new HttpError(GRPC.notFound, `contract ${address} not found: not found`);
        return {code_hash: contract.codeHash};
      },
    },
    // E4
    {
      method: 'GET',
      pattern: /^\/compute\/v1beta1\/code_hash\/by_code_id\/([^/]+)$/,
      handler: (_req, m) => {
        const code = chain.store.getCode(requireCodeId(m[1]!));
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
          bytes = fromBase64(query.replace(/ /g, '+'));
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
          bytes = fromBase64(txBytes);
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
          const rows = chain.store.listTxJson(after, 500);
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
        const balances = chain.store.getBalances(requireAddress(m[1]!));
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
          result = chain.simulate(fromBase64(txBytes));
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
        const contract = chain.store.getContract(requireAddress(m[1]!));
        if (!contract) throw new HttpError(GRPC.notFound, `contract ${m[1]} not found: not found`);
        return {contract_address: contract.address, contract_info: chain.contractInfoJson(contract)};
      },
    },
    {
      method: 'GET',
      pattern: /^\/compute\/v1beta1\/contracts\/([^/]+)$/,
      handler: (_req, m) => ({
        contract_infos: chain.store
          .listContractsByCode(requireCodeId(m[1]!))
          .map((c) => ({contract_address: c.address, contract_info: chain.contractInfoJson(c)})),
      }),
    },
    {
      method: 'GET',
      pattern: /^\/compute\/v1beta1\/codes$/,
      handler: () => ({
        code_infos: chain.store.listCodes().map((c) => ({
          code_id: String(c.codeId),
          creator: c.creator,
          code_hash: c.codeHash,
          source: '',
          builder: '',
        })),
      }),
    },
    {
      method: 'GET',
      pattern: /^\/compute\/v1beta1\/code\/([^/]+)$/,
      handler: (_req, m) => {
        const c = chain.store.getCode(requireCodeId(m[1]!));
        if (!c) throw new HttpError(GRPC.notFound, `code id ${m[1]} not found: not found`);
        return {code_info: {code_id: String(c.codeId), creator: c.creator, code_hash: c.codeHash, source: '', builder: ''}, wasm: ''};
      },
    },
    {
      method: 'GET',
      pattern: /^\/compute\/v1beta1\/label\/([^/]+)$/,
      handler: (_req, m) => {
        const contract = chain.store.getContract(requireAddress(m[1]!));
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
        const contract = chain.store.getContractByLabel(label);
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
          listen_addr: options.url?.() ?? '',
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
    // devnet admin
    {method: 'GET', pattern: new RegExp(`^${ADMIN_PREFIX}/status$`), handler: () => status()},
    {method: 'GET', pattern: new RegExp(`^${ADMIN_PREFIX}/genesis$`), handler: () => genesis},
    {
      method: 'POST',
      pattern: new RegExp(`^${ADMIN_PREFIX}/advance$`),
      handler: (req) => {
        const seconds = req.body.seconds;
        if (typeof seconds !== 'number' || !Number.isSafeInteger(seconds) || seconds < 0) {
          throw new HttpError(GRPC.invalidArgument, 'seconds must be a non-negative integer');
        }
        const {height, time} = chain.advance(seconds);
        return {height, time: rfc3339(time)};
      },
    },
    {
      method: 'POST',
      pattern: new RegExp(`^${ADMIN_PREFIX}/fund$`),
      handler: (req) => {
        const address = requireAddress(String(req.body.address ?? ''));
        const scrt = parseAmount(req.body.scrt, 'scrt');
        const token = parseAmount(req.body.token, 'token');
        if (scrt === 0n && token === 0n) throw new HttpError(GRPC.invalidArgument, 'nothing to fund: give scrt and/or token');
        if (token > 0n && !faucetToken) throw new HttpError(GRPC.unimplemented, 'this devnet has no payment token to mint');
        const msgs: PreparedMsg[] = [];
        if (scrt > 0n) msgs.push(admin.send(address, [{denom: NATIVE_DENOM, amount: scrt.toString()}]));
        if (token > 0n) msgs.push(admin.execute(chain, faucetToken!, {mint: {recipient: address, amount: token.toString()}}));
        try {
          const result = admin.run(chain, msgs);
          return {address, scrt: scrt.toString(), token: token.toString(), txhash: result.txhash, height: result.height};
        } catch (err) {
          if (err instanceof DevTxError) throw new HttpError(GRPC.unknown, `faucet tx failed: ${err.rawLog}`);
          throw err;
        }
      },
    },
    {
      method: 'POST',
      pattern: new RegExp(`^${ADMIN_PREFIX}/shutdown$`),
      handler: () => ({stopping: true}),
    },
  ];

  const server = createServer({maxHeaderSize: MAX_HEADER_BYTES}, (req, res) => {
    void handle(req, res);
  });

  // Malformed requests that never reach a handler (bad HTTP, head too large) also get a JSON body.
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (!socket.writable || err.code === 'ECONNRESET') {
      socket.destroy();
      return;
    }
    const tooLarge = err.code === 'HPE_HEADER_OVERFLOW';
    const body = JSON.stringify({code: GRPC.invalidArgument, message: tooLarge ? 'request head too large' : 'malformed HTTP request', details: []});
    const status = tooLarge ? '431 Request Header Fields Too Large' : '400 Bad Request';
    socket.end(`HTTP/1.1 ${status}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      // Split by hand: `new URL('//x/y', base)` would read a leading `//` as a host.
      const rawUrl = req.url ?? '/';
      const q = rawUrl.indexOf('?');
      const params = new URLSearchParams(q >= 0 ? rawUrl.slice(q + 1) : '');
      let path = (q >= 0 ? rawUrl.slice(0, q) : rawUrl).replace(/\/{2,}/g, '/');
      if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
      const method = (req.method ?? 'GET').toUpperCase();
      let body: Record<string, unknown> = {};
      if (method === 'POST' || method === 'PUT') {
        const raw = await readBody(req);
        const text = raw.toString('utf8').trim();
        if (text) {
          let parsed: unknown;
          try {
            parsed = JSON.parse(text);
          } catch {
            throw new HttpError(GRPC.invalidArgument, 'request body is not valid JSON');
          }
          if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
            throw new HttpError(GRPC.invalidArgument, 'request body must be a JSON object');
          }
          body = parsed as Record<string, unknown>;
        }
      }
      let pathMatched = false;
      for (const route of routes) {
        const m = route.pattern.exec(path);
        if (!m) continue;
        pathMatched = true;
        if (route.method !== method) continue;
        // Nothing uncommitted is ever served: everything but a broadcast waits for the pending group commit.
        if (!route.joinsBatch && chain.hasUncommitted) await chain.whenCommitted();
        const result = await route.handler({method, path, params, body}, m);
        send(res, 200, result);
        if (path === `${ADMIN_PREFIX}/shutdown`) res.on('finish', () => options.onShutdown?.());
        return;
      }
      if (pathMatched) throw new HttpError(GRPC.unimplemented, `method ${method} not allowed on ${path}`);
      throw new HttpError(GRPC.notFound, `Not Found: ${path}`);
    } catch (err) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (err instanceof HttpError) return sendError(res, err.grpcCode, err.message);
      if (err instanceof QueryError) return sendError(res, err.grpcCode, err.message);
      if (err instanceof TxError) return sendError(res, GRPC.unknown, err.log);
      sendError(res, GRPC.internal, `internal devnet error: ${(err as Error)?.message ?? String(err)}`);
    }
  }

  return server;
}
