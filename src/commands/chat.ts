import {Args, Flags} from '../lib/cli/oclif.js';
import {BaseCommand} from '../lib/cli/base-command.js';
import {UsageError} from '../lib/errors.js';
import type {ChatResult, LegacyChatResult} from '../lib/chat/index.js';

export default class Chat extends BaseCommand<typeof Chat, ChatResult | LegacyChatResult | undefined> {
  static summary = 'Chat with a verified worker: next worker, attestation check, pinned TLS, streaming, countersigned usage';
  static description = `Asks the WorkerManager for the next worker for --model (a permit signed by --from), checks that the worker serves the bundle registered on chain, verifies it with the network's measurement policy and the current or previous registration challenge, and talks to it over TLS that accepts only the attested key: any other certificate aborts the connection before a byte of the request is written. The reply streams to stdout as it arrives. The worker's signed usage record is checked (token counts, signature by the attested worker key), countersigned with the --from key and handed back.

A worker that fails verification, refuses the pin or drops before the first token is skipped for the next one (said on stderr); after the first token a failure is reported (exit 1). Verdicts are cached per worker in the home, by the hash of its bundle and certificate, until the earliest expiry the verdict relied on.

On a network whose worker manager is the existing Secret AI contract (no get_next_worker), a worker is picked from the URLs get_u_r_ls lists for --model, its SecretVM evidence (/cpu and /gpu on its own port or the attestation port 29343) is verified as "attest verify --url" does with the network's policy, its attested TLS key is pinned, and the prompt goes to its Ollama API with the API key as a Bearer token. That deployment keeps no signed usage records ("record" is null) and its workers have no ids (--worker does not apply).

The prompt is PROMPT, or stdin when piped; on a terminal without PROMPT an interactive session starts (/help). The API key comes from SECRETAI_API_KEY or the key store ("apikey create" put it there), never from the command line. Exit codes: 0 answered, 1 failed (no subscription, expired, revoked key, no live worker), 2 usage, 3 could not verify, 4 verification failed.`;

  static examples = [
    '<%= config.bin %> chat "Once upon a time" --model stories260K --temperature 0 --from user',
    'echo "Tell me a story" | <%= config.bin %> chat --model stories260K --json',
    {description: 'An interactive session on a terminal', command: '<%= config.bin %> chat --model stories260K --system "You tell short stories"'},
  ];

  static args = {
    prompt: Args.string({description: 'the prompt (default: stdin when piped; an interactive session on a terminal)', required: false}),
  };

  static flags = {
    model: Flags.string({description: 'model to chat with', required: true, helpValue: 'M'}),
    worker: Flags.string({description: 'use this worker id instead of the next one (no failover)', helpValue: 'ID'}),
    'max-tokens': Flags.integer({description: 'largest number of tokens to generate', min: 1, helpValue: 'N'}),
    temperature: Flags.string({description: 'sampling temperature, 0 to 2 (0: greedy)', helpValue: 'T'}),
    system: Flags.string({description: 'system message', helpValue: 'S'}),
    seed: Flags.integer({description: 'sampling seed', min: 0, helpValue: 'N'}),
    online: Flags.boolean({description: 'let verification fetch missing collateral, NVIDIA RIMs and OCSP'}),
  };

  async exec(): Promise<ChatResult | LegacyChatResult | undefined> {
    const chat = await import('../lib/chat/index.js');
    const opts = chat.checkChatOptions({
      model: this.flags.model,
      ...(this.flags.worker !== undefined ? {worker: this.flags.worker} : {}),
      ...(this.flags['max-tokens'] !== undefined ? {maxTokens: this.flags['max-tokens']} : {}),
      ...(this.flags.temperature !== undefined ? {temperature: chat.parseTemperature(this.flags.temperature)} : {}),
      ...(this.flags.system !== undefined ? {system: this.flags.system} : {}),
      ...(this.flags.seed !== undefined ? {seed: this.flags.seed} : {}),
      ...(this.flags.online ? {online: true} : {}),
    });
    let prompt = this.args.prompt;
    const repl = prompt === undefined && process.stdin.isTTY && this.out.interactive;
    if (prompt === undefined && !repl) {
      if (process.stdin.isTTY) throw new UsageError('no PROMPT: give one as an argument or on stdin', {suggestion: 'secretai chat "Hello" --model M'});
      prompt = await readStdin();
      if (!prompt.trim()) throw new UsageError('the prompt on stdin is empty', {suggestion: 'echo "Hello" | secretai chat --model M'});
    }
    const session = await chat.ChatSession.openAny(this.ctx, opts);
    try {
      if (repl) {
        const {runRepl} = await import('../lib/chat/repl.js');
        await runRepl(session, this.out, opts.system);
        return undefined;
      }
      const messages = [...(opts.system ? [{role: 'system' as const, content: opts.system}] : []), {role: 'user' as const, content: prompt!}];
      const stream = !this.out.json;
      const r = await session.ask(messages, stream ? {onDelta: (d) => this.out.stdout.write(d)} : {});
      if (stream) this.out.stdout.write('\n');
      if (process.stderr.isTTY && !this.out.json) {
        const {rateLine} = await import('../lib/chat/repl.js');
        this.out.info(this.out.errColor.gray(`${rateLine(r.usage.outputTokens, r.timings.stream ?? 0, r.timings.firstToken ?? 0)} — worker ${r.worker.id}, attestation ${r.attestation.verdict}${r.attestation.dev ? ' (dev attestation, not hardware)' : ''}`));
      }
      return r;
    } finally {
      session.close();
    }
  }

  protected render(): void {
    // The reply was streamed as it arrived.
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks).toString('utf8');
}
