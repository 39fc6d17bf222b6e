import {notBuilt} from '../../lib/cli/not-built.js';

export default notBuilt({
  id: 'worker next',
  summary: 'Ask the contract for the next worker for a model and verify its attestation',
  examples: ['<%= config.bin %> worker next --model llama3.1:8b'],
});
