import {notBuilt} from '../../lib/cli/not-built.js';

export default notBuilt({
  id: 'rewards claim',
  summary: 'Claim settled rewards to your payout address',
  examples: ['<%= config.bin %> rewards claim'],
});
