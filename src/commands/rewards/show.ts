import {notBuilt} from '../../lib/cli/not-built.js';

export default notBuilt({
  id: 'rewards show',
  summary: 'Show pending and claimed rewards for your workers',
  examples: ['<%= config.bin %> rewards show'],
});
