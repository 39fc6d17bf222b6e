import {notBuilt} from '../../lib/cli/not-built.js';

export default notBuilt({
  id: 'worker show',
  summary: 'Show one registered worker',
  examples: ['<%= config.bin %> worker show 1'],
});
