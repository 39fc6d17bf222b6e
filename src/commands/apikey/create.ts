import {notBuilt} from '../../lib/cli/not-built.js';

export default notBuilt({
  id: 'apikey create',
  summary: 'Create an API key (only its hash goes on chain)',
  examples: ['<%= config.bin %> apikey create'],
});
