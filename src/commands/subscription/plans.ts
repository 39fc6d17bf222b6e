import {notBuilt} from '../../lib/cli/not-built.js';

export default notBuilt({
  id: 'subscription plans',
  summary: 'List subscription plans',
  examples: ['<%= config.bin %> subscription plans'],
});
