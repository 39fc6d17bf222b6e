/** The one error for a model file whose contents are wrong (both the checkpoint and the tokenizer readers use it). */
import {UsageError} from '../errors.js';

/** A usage error (exit 2, code MODEL_MALFORMED) naming the file kind, its path and what is wrong. */
export function malformedModelFile(kind: 'checkpoint' | 'tokenizer', what: string, source: string): UsageError {
  return new UsageError(`malformed llama2.c ${kind} ${source}: ${what}`, {
    code: 'MODEL_MALFORMED',
    suggestion: 'point SECRETAI_MODEL_DIR at an unmodified copy of the model',
  });
}
