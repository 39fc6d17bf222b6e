/** Builds the {@link InferenceBackend} a `--backend` value names. */
import {parseBackend, type BackendSpec, type InferenceBackend} from '../backend.js';
import {OllamaBackend} from './ollama.js';
import {BACKEND_API_KEY_ENV, OpenAiBackend} from './openai.js';

export interface CreateBackendOptions {
  /** Environment (for `SECRETAI_BACKEND_API_KEY`). */
  env?: NodeJS.ProcessEnv;
  /** Model folder of the embedded engine (default: the engine's own default). */
  modelDir?: string;
}

/**
 * The backend for `spec` (a parsed value or the flag's text). Upstream backends are ready at once (the upstream
 * is first contacted by a request); the embedded one loads its model here, and fails if the engine cannot.
 */
export async function createBackend(spec: BackendSpec | string, opts: CreateBackendOptions = {}): Promise<InferenceBackend> {
  const s = typeof spec === 'string' ? parseBackend(spec) : spec;
  switch (s.kind) {
    case 'ollama':
      return new OllamaBackend(s.url);
    case 'openai':
      return new OpenAiBackend(s.url, (opts.env ?? process.env)[BACKEND_API_KEY_ENV] || undefined);
    case 'embedded': {
      const {EmbeddedBackend} = await import('./embedded.js');
      return EmbeddedBackend.load({dir: opts.modelDir});
    }
  }
}
