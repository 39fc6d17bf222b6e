/**
 * The servers `bench/gateway` measures, each set in a process of its own (forked by it), so that the client's
 * work — its half of every TLS record, parsing the streams — is not counted against them, and each process's CPU
 * time is known:
 * - `upstream [BACKEND]`: the fast synthetic backend (or BACKEND `embedded`) behind the plain HTTP layer (`model
 *   serve`'s server): the backend "called directly", and the upstream the proxying gateway calls;
 * - `gateway BACKEND`: `worker serve`'s server (TLS + API-key check + metering + signed, fsynced usage record) over
 *   BACKEND — `synthetic` (in its process), `embedded` (stories260K, in its process) or `openai=URL` (proxying the
 *   upstream) — and beside it the plain HTTP layer with no hooks over HTTPS with the gateway's certificate ("TLS
 *   alone") over the same backend.
 * It sends its URLs once listening, answers `cpu` messages with its CPU time (µs, user + system, all threads) and
 * RSS, and exits on `stop`.
 */
import https from 'node:https';
import type {AddressInfo} from 'node:net';
import type {InferenceBackend} from '../src/lib/worker/backend.js';
import {createApiHandler} from '../src/lib/worker/api/handler.js';
import {createBackend} from '../src/lib/worker/backends/index.js';
import {startModelServer} from '../src/lib/worker/model-serve.js';
import {fixedKeyChecker, localGateway} from '../test/worker/gateway-helpers.js';
import {SyntheticBackend} from '../test/worker/helpers/synthetic.js';

export interface ServersReady {
  type: 'ready';
  /** `upstream`: the plain server. */
  url?: string;
  /** `gateway`: the gateway, TLS alone, and the certificate both present. */
  gateway?: string;
  tlsAlone?: string;
  certPem?: string;
  model: string;
}

const [role, key, tokensArg, backendArg] = process.argv.slice(2) as [string, string, string, string | undefined];
const synthetic = new SyntheticBackend({tokens: Number(tokensArg)});
const stops: Array<() => Promise<void>> = [];
let ready: ServersReady;

/** BACKEND: `synthetic` (the default), `embedded` (stories260K from $SECRETAI_MODEL_DIR) or `openai=URL`. */
async function backendFor(arg: string | undefined): Promise<InferenceBackend> {
  if (!arg || arg === 'synthetic') return synthetic;
  return createBackend(arg);
}

if (role === 'upstream') {
  const backend = await backendFor(backendArg);
  const direct = await startModelServer({backend, port: 0});
  stops.push(() => direct.stop());
  ready = {type: 'ready', url: direct.result.url, model: (await backend.listModels())[0]!.name};
} else {
  const backend = await backendFor(backendArg);
  const gw = await localGateway(backend, fixedKeyChecker(key));
  const tlsAlone = https.createServer({cert: gw.certPem, key: gw.keyPem, noDelay: true, keepAlive: true}, createApiHandler({backend}));
  tlsAlone.on('connection', (socket: import('node:net').Socket) => socket.setNoDelay(true));
  await new Promise<void>((resolve) => tlsAlone.listen(0, '127.0.0.1', resolve));
  stops.push(
    () => gw.close(),
    async () => {
      tlsAlone.closeAllConnections();
      tlsAlone.close();
    },
  );
  ready = {type: 'ready', gateway: gw.gateway.url, tlsAlone: `https://127.0.0.1:${(tlsAlone.address() as AddressInfo).port}`, certPem: gw.certPem, model: (await backend.listModels())[0]!.name};
}

process.on('message', async (m: {type: string}) => {
  if (m.type === 'cpu') {
    const u = process.cpuUsage();
    process.send!({type: 'cpu', us: u.user + u.system, rssMb: Math.round(process.memoryUsage().rss / 1024 / 1024)});
  } else if (m.type === 'stop') {
    for (const stop of stops) await stop();
    process.disconnect();
  }
});
process.send!(ready);
