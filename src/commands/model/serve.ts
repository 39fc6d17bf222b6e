import {Flags} from '../../lib/cli/oclif.js';
import {BaseCommand} from '../../lib/cli/base-command.js';
import {BACKEND_FORMS} from '../../lib/worker/backend.js';
import {MODEL_SERVE_DEFAULT_HOST, MODEL_SERVE_DEFAULT_PORT, startModelServer, type ModelServeResult} from '../../lib/worker/model-serve.js';

export default class ModelServe extends BaseCommand<typeof ModelServe, ModelServeResult> {
  static summary = 'Serve a model as a plain local OpenAI / Ollama-compatible HTTP server (no TEE, no keys).';
  static description = `Answers Ollama's /api/chat, /api/generate and /api/tags and OpenAI's /v1/chat/completions and /v1/models (streaming and not) over plain HTTP, for development and as the upstream of another server. The backend is the embedded engine (default), an Ollama server (ollama=URL) or an OpenAI-compatible server (openai=URL; its key, if it needs one, from SECRETAI_BACKEND_API_KEY). Nothing is attested, authenticated or metered: for paid, attested serving use "worker serve". Prints the URL, then runs until Ctrl-C or SIGTERM, letting running responses finish before it stops.`;

  static examples = [
    '<%= config.bin %> model serve',
    '<%= config.bin %> model serve --port 8080 --backend ollama=http://127.0.0.1:11434',
    {description: 'In front of an OpenAI-compatible server; print {url} as JSON', command: '<%= config.bin %> model serve --backend openai=http://127.0.0.1:8000 --port 0 --json'},
  ];

  static flags = {
    port: Flags.integer({description: `TCP port (0 = any free port)`, default: MODEL_SERVE_DEFAULT_PORT, min: 0, max: 65535}),
    host: Flags.string({description: 'address to listen on', default: MODEL_SERVE_DEFAULT_HOST}),
    backend: Flags.string({description: `what answers: ${BACKEND_FORMS}`, default: 'embedded', helpValue: 'BACKEND'}),
  };

  private server?: Awaited<ReturnType<typeof startModelServer>>;

  async exec(): Promise<ModelServeResult> {
    this.server = await startModelServer({port: this.flags.port, host: this.flags.host, backend: this.flags.backend, env: this.ctx.env});
    if (this.flags.host !== '127.0.0.1' && this.flags.host !== 'localhost' && this.flags.host !== '::1') {
      this.out.warn(`listening on ${this.flags.host}: anyone who can reach it can use the model (no keys, no TLS)`);
    }
    return this.server.result;
  }

  protected render(r: ModelServeResult): void {
    this.out.line(`${this.out.color.green('✓')} serving ${r.backend.description} at ${this.out.color.bold(r.url)}`);
    this.out.line(`  Ollama:  ${r.url}/api/chat   OpenAI:  ${r.url}/v1`);
  }

  async run(): Promise<ModelServeResult> {
    const result = await super.run();
    const s = this.server;
    if (s) {
      this.out.info('Press Ctrl-C to stop.');
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
