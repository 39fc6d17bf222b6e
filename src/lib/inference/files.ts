/**
 * Where the embedded model lives and how its files are read: `$SECRETAI_MODEL_DIR`, else the shared data folder
 * (`$SECRETAI_SHARED`, else `../shared` beside the checkout) under `models/stories260K`. Both files are checked against
 * their known SHA-256 digests before anything is parsed, and every failure names the path and what is wrong.
 */
import {readFile, stat} from 'node:fs/promises';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {sha256Hex} from '../../attest/x509.js';
import {UsageError} from '../errors.js';

/** The one model this engine knows: its name, its two files and their SHA-256 digests (lower-case hex). */
export const STORIES_260K = {
  name: 'stories260K',
  checkpoint: {file: 'stories260K.bin', sha256: 'b0a507e7ad0f626624f17112325e66691f9076d622e1d3274d103d00299f2696'},
  tokenizer: {file: 'tok512.bin', sha256: '037cb335abb25d1fa9e8ecae30ed2a3a8ace9302862ebcdc05d51a6bbb10c312'},
} as const;

export type KnownModel = typeof STORIES_260K;

/** Repository root: this module runs from dist/src/lib/inference/. */
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');

const SUGGESTION = `set SECRETAI_MODEL_DIR to the folder holding ${STORIES_260K.checkpoint.file} and ${STORIES_260K.tokenizer.file} (stories260K from karpathy/tinyllamas)`;

/**
 * The model folder: `$SECRETAI_MODEL_DIR` when set, else `models/stories260K` in the shared data folder —
 * `$SECRETAI_SHARED` when set, else `../shared` beside the repository.
 */
export function defaultModelDir(): string {
  const env = process.env.SECRETAI_MODEL_DIR;
  if (env) return path.resolve(env);
  const shared = process.env.SECRETAI_SHARED ? path.resolve(process.env.SECRETAI_SHARED) : path.resolve(repoRoot, '..', 'shared');
  return path.join(shared, 'models', STORIES_260K.name);
}

/** The bytes of both model files from `dir`, each checked against its known digest. */
export async function readModelFiles(dir: string, model: KnownModel = STORIES_260K): Promise<{checkpoint: Uint8Array; tokenizer: Uint8Array; checkpointPath: string; tokenizerPath: string}> {
  const info = await stat(dir).catch(() => undefined);
  if (!info) throw new UsageError(`model folder ${dir} not found`, {code: 'MODEL_NOT_FOUND', suggestion: SUGGESTION, details: {dir}});
  if (!info.isDirectory()) throw new UsageError(`model folder ${dir} is not a folder`, {code: 'MODEL_NOT_FOUND', suggestion: SUGGESTION, details: {dir}});
  const read = async (spec: {file: string; sha256: string}) => {
    const file = path.join(dir, spec.file);
    let bytes: Uint8Array;
    try {
      bytes = await readFile(file);
    } catch (err) {
      const code = (err as {code?: string}).code;
      const what = code === 'ENOENT' ? 'is missing' : `cannot be read (${code ?? String(err)})`;
      throw new UsageError(`model file ${file} ${what}`, {code: 'MODEL_NOT_FOUND', suggestion: SUGGESTION, cause: err, details: {file}});
    }
    const actual = sha256Hex(bytes);
    if (actual !== spec.sha256) {
      throw new UsageError(`model file ${file} has sha256 ${actual}, not the expected ${spec.sha256} of ${model.name}'s ${spec.file}: it is modified or a different file`, {
        code: 'MODEL_DIGEST_MISMATCH',
        suggestion: SUGGESTION,
        details: {file, expected: spec.sha256, actual},
      });
    }
    return {file, bytes};
  };
  const [checkpoint, tokenizer] = await Promise.all([read(model.checkpoint), read(model.tokenizer)]);
  return {checkpoint: checkpoint.bytes, tokenizer: tokenizer.bytes, checkpointPath: checkpoint.file, tokenizerPath: tokenizer.file};
}
