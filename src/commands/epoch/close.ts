import {notBuilt} from '../../lib/cli/not-built.js';

export default notBuilt({
  id: 'epoch close',
  summary: 'Close an epoch whose end time has passed',
  examples: ['<%= config.bin %> epoch close'],
});
