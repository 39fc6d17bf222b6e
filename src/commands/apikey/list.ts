import {notBuilt} from '../../lib/cli/not-built.js';

export default notBuilt({
  id: 'apikey list',
  summary: 'List your API keys by hash',
  examples: ['<%= config.bin %> apikey list'],
});
