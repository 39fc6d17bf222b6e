import {notBuilt} from '../../lib/cli/not-built.js';

export default notBuilt({
  id: 'apikey revoke',
  summary: 'Revoke an API key',
  examples: ['<%= config.bin %> apikey revoke KEY_HASH'],
});
