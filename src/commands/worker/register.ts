import {notBuilt} from '../../lib/cli/not-built.js';

export default notBuilt({
  id: 'worker register',
  summary: 'Verify the worker attestation locally, then register it with its stake',
  examples: ['<%= config.bin %> worker register --url https://my-gpu.example.com:21434 --model llama3.1:8b --attestation bundle.json --payout secret1… --stake 1000000'],
});
