/** A usage record the usage tests share: valid, with every member set (not a real request). */
import type {UsageRecord} from '../../contracts/common/usage.js';

export const SAMPLE_USAGE_RECORD: UsageRecord = {
  worker_id: '7',
  key_handle: 'ab'.repeat(32),
  model: 'stories260K',
  request_id: '0123456789abcdef0123456789abcdef',
  input_tokens: 12,
  output_tokens: 64,
  epoch: 3,
};
