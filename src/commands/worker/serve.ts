import {Flags} from '../../lib/cli/oclif.js';
import {BaseCommand} from '../../lib/cli/base-command.js';
import {BACKEND_FORMS} from '../../lib/worker/backend.js';
import {GATEWAY_DEFAULT_HOST, GATEWAY_DEFAULT_PORT, runWorkerServe, type RunningWorkerGateway, type ServeResult} from '../../lib/worker/gateway/service.js';

export default class WorkerServe extends BaseCommand<typeof WorkerServe, ServeResult> {
  static summary = 'Run the attested TLS gateway in front of the model: API-key check, metering, signed usage records, liveness.';
  static description = `Serves HTTPS with exactly the TLS identity "attest collect" bound for the --from key, and refuses to start unless that key operates an active registered worker whose registered attestation binds this TLS key. Routes: Ollama /api/chat, /api/generate, /api/tags; OpenAI /v1/chat/completions, /v1/models (streaming and not), each needing "Authorization: Bearer <API key>"; /attestation (the registered bundle), /cpu and /gpu (the same evidence in the SecretVM format) without a key. Every answer ends with a usage record signed by the worker key, written durably to <home>/worker/usage/<account>/pending.jsonl before it is sent; clients may hand it back countersigned with POST /v1/secretai/usage. Liveness is reported once per epoch while serving.

API keys are checked against the network's SubscriptionManager (api_key_status, cached 30 s when accepted and 10 s when refused): unknown or revoked keys get 401, an expired subscription or an empty prepaid balance 402. On a network that allows dev attestation (the local devnet) the key in SECRETAI_DEV_API_KEY is accepted as well. The key's passphrase comes from SECRETAI_KEYRING_PASSPHRASE or a prompt on a terminal. Ctrl-C or SIGTERM stops accepting, lets running streams finish (bounded), then exits; --detach runs it in the background (pid file in the home; stop it with "worker stop").`;

  static examples = [
    {description: 'Serve the embedded model on the devnet (keys from "apikey create" are accepted)', command: '<%= config.bin %> worker serve --from operator'},
    {description: 'Also accept a development key on the devnet', command: 'SECRETAI_DEV_API_KEY=$(openssl rand -hex 16) <%= config.bin %> worker serve --from operator'},
    {description: 'In front of an Ollama server, in the background', command: '<%= config.bin %> worker serve --backend ollama=http://127.0.0.1:11434 --port 21434 --detach --json'},
    '<%= config.bin %> worker serve --backend openai=http://127.0.0.1:8000 --host 0.0.0.0',
  ];

  static flags = {
    backend: Flags.string({description: `what answers: ${BACKEND_FORMS}`, default: 'embedded', helpValue: 'BACKEND'}),
    port: Flags.integer({description: 'TCP port (0 = any free port)', default: GATEWAY_DEFAULT_PORT, min: 0, max: 65535}),
    host: Flags.string({description: 'address to listen on', default: GATEWAY_DEFAULT_HOST}),
    detach: Flags.boolean({char: 'd', description: 'run in the background and return once it serves; stop with "worker stop"'}),
  };

  private running?: RunningWorkerGateway;

  async exec(): Promise<ServeResult> {
    const r = await runWorkerServe(this.ctx, {backend: this.flags.backend, port: this.flags.port, host: this.flags.host, detach: this.flags.detach});
    this.running = r.running;
    return r.result;
  }

  protected render(r: ServeResult): void {
    this.out.line(`${this.out.color.green('✓')} worker ${r.workerId} serving ${r.backend.description} at ${this.out.color.bold(r.url)}${r.pid && this.flags.detach ? ` (pid ${r.pid})` : ''}`);
    this.out.line(`  Ollama: ${r.url}/api/chat   OpenAI: ${r.url}/v1   attestation: ${r.url}/attestation`);
    this.out.line(`  API keys: ${r.apiKeys}; usage records: ${r.usageLog}`);
  }

  async run(): Promise<ServeResult> {
    const result = await super.run();
    const s = this.running;
    if (s) {
      if (!this.flags.json) this.out.info('Press Ctrl-C to stop.');
      process.removeAllListeners('SIGINT');
      process.removeAllListeners('SIGTERM');
      const onSignal = () => {
        this.out.info('stopping: letting running responses finish…');
        void s.stop();
      };
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      await s.closed;
      this.out.info('stopped.');
    }
    return result;
  }
}
