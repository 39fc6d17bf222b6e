import {notBuilt} from '../lib/cli/not-built.js';

export default notBuilt({
  id: 'subscribe',
  summary: 'Pay for a plan or a prepaid deposit with the SNIP-20 token',
  examples: ['<%= config.bin %> subscribe --plan 1'],
});
