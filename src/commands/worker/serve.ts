import {notBuilt} from '../../lib/cli/not-built.js';

export default notBuilt({
  id: 'worker serve',
  summary: 'Run the TLS gateway in front of the model: API-key check, metering, signed usage records',
  examples: ['<%= config.bin %> worker serve --backend ollama=http://127.0.0.1:11434'],
});
