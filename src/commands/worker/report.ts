import {notBuilt} from '../../lib/cli/not-built.js';

export default notBuilt({
  id: 'worker report',
  summary: 'Submit the gateway pending usage records',
  examples: ['<%= config.bin %> worker report'],
});
