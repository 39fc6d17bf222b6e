import {notBuilt} from '../../lib/cli/not-built.js';

export default notBuilt({
  id: 'subscription status',
  summary: 'Show your subscription, balance and usage',
  examples: ['<%= config.bin %> subscription status'],
});
