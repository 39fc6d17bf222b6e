import {notBuilt} from '../lib/cli/not-built.js';

export default notBuilt({
  id: 'models',
  summary: 'Models offered by live workers',
  examples: ['<%= config.bin %> models'],
});
