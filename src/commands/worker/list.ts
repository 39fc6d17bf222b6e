import {notBuilt} from '../../lib/cli/not-built.js';

export default notBuilt({
  id: 'worker list',
  summary: 'List registered workers',
  examples: ['<%= config.bin %> worker list --model llama3.1:8b'],
});
