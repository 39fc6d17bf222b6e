import {notBuilt} from '../../lib/cli/not-built.js';

export default notBuilt({
  id: 'epoch status',
  summary: 'Show the current reward epoch',
  examples: ['<%= config.bin %> epoch status'],
});
