import {notBuilt} from '../lib/cli/not-built.js';

export default notBuilt({
  id: 'chat',
  summary: 'Chat with a verified worker: next worker, attestation check, pinned TLS, streaming',
  examples: ['<%= config.bin %> chat "Tell me a story" --model stories260K'],
});
