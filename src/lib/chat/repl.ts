/**
 * The interactive `chat` (a TTY and no PROMPT): node:readline with history, multi-line input (end a line with `\`
 * to continue it, or wrap a block in `"""`), Ctrl-C that stops a reply without leaving (Ctrl-C at an empty prompt,
 * or Ctrl-D, leaves), and the commands `/verify`, `/worker`, `/help`, `/exit`. Replies stream to stdout; a
 * tokens/s line goes to stderr after each.
 */
import readline from 'node:readline';
import type {Output} from '../cli/output.js';
import type {ChatMessage, ChatResult, ChatSession, LegacyChatResult} from './index.js';

const HELP = `Type a message and press Enter. End a line with \\ to continue it, or put """ alone on a line to start and end a block.
  /verify   show the current worker's attestation checks
  /worker   show the current worker
  /help     this help
  /exit     leave (also Ctrl-D, or Ctrl-C at an empty prompt)
Ctrl-C while a reply streams stops that reply.`;

/** A tokens/s summary for stderr. */
export function rateLine(outputTokens: number, streamMs: number, firstTokenMs: number): string {
  const rate = streamMs > 0 ? (Math.max(outputTokens - 1, 0) * 1000) / streamMs : 0;
  return `${outputTokens} tokens, ${rate.toFixed(1)} tokens/s, first token after ${Math.round(firstTokenMs)} ms`;
}

export async function runRepl(session: ChatSession<ChatResult> | ChatSession<LegacyChatResult>, out: Output, system?: string): Promise<void> {
  const history: ChatMessage[] = system ? [{role: 'system', content: system}] : [];
  const rl = readline.createInterface({input: process.stdin, output: process.stderr, terminal: true, historySize: 500, prompt: '>>> '});
  let current: AbortController | undefined;
  let closed = false;
  rl.on('SIGINT', () => {
    if (current) {
      current.abort();
      return;
    }
    if (rl.line.length) {
      rl.write(null, {ctrl: true, name: 'u'});
      rl.prompt();
      return;
    }
    rl.close();
  });
  rl.on('close', () => (closed = true));
  out.info(`secretai chat with ${session.opts.model} — /help for help`);
  const w = await session.ensureWorker();
  out.info(`worker ${w.id} at ${w.url}: attestation ${w.attestation.verdict}${w.attestation.dev ? ' — dev attestation (not hardware)' : ''}${w.attestation.cached ? ' (cached)' : ''}`);
  let pending: string[] | undefined;
  let block = false;
  rl.prompt();
  for await (const line of rl) {
    if (block) {
      if (line.trim() === '"""') {
        block = false;
      } else {
        pending!.push(line);
        rl.setPrompt('... ');
        rl.prompt();
        continue;
      }
    } else if (line.trim() === '"""') {
      block = true;
      pending = pending ?? [];
      rl.setPrompt('... ');
      rl.prompt();
      continue;
    } else if (line.endsWith('\\')) {
      (pending ??= []).push(line.slice(0, -1));
      rl.setPrompt('... ');
      rl.prompt();
      continue;
    } else if (pending) {
      pending.push(line);
    }
    const text = pending ? pending.join('\n') : line;
    pending = undefined;
    rl.setPrompt('>>> ');
    const cmd = text.trim();
    if (cmd === '') {
      rl.prompt();
      continue;
    }
    if (cmd === '/exit' || cmd === '/quit' || cmd === '/bye') break;
    if (cmd === '/help') out.info(HELP);
    else if (cmd === '/worker') {
      const v = await session.ensureWorker();
      out.info(`worker ${v.id} at ${v.url}; TLS key pinned: ${v.tlsSpkiSha256}; worker key ${v.workerPubkey}${session.refusals.length ? `; refused before: ${session.refusals.map((r) => r.workerId).join(', ')}` : ''}`);
    } else if (cmd === '/verify') {
      const v = await session.ensureWorker();
      out.info(`worker ${v.id}: ${v.attestation.verdict}${v.attestation.dev ? ' — dev attestation (not hardware)' : ''}${v.attestation.cached ? ', from the attestation cache' : ''}, relied on until ${new Date(v.attestation.validUntil * 1000).toISOString()}`);
      for (const c of v.attestation.checks) out.info(`  ${c.ok ? '✓' : c.skipped ? '-' : '✗'} ${c.name}: ${c.detail}`);
    } else if (cmd.startsWith('/')) out.info(`unknown command ${cmd.split(/\s/)[0]} — /help lists them`);
    else {
      history.push({role: 'user', content: text});
      current = new AbortController();
      let got = '';
      try {
        const r = await session.ask(history, {signal: current.signal, onDelta: (d) => {
          got += d;
          out.stdout.write(d);
        }});
        out.stdout.write('\n');
        history.push({role: 'assistant', content: r.content});
        out.info(out.errColor.gray(rateLine(r.usage.outputTokens, r.timings.stream ?? 0, r.timings.firstToken ?? 0)));
      } catch (e) {
        if (got) out.stdout.write('\n');
        if (current.signal.aborted) {
          out.info('(reply stopped)');
          if (got) history.push({role: 'assistant', content: got});
          else history.pop();
        } else {
          history.pop();
          out.warn(e instanceof Error ? e.message : String(e));
        }
      } finally {
        current = undefined;
      }
    }
    if (closed) break;
    rl.prompt();
  }
  rl.close();
}
