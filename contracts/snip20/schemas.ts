/** The `snip20` contract's JSON Schemas (the wire interface), loaded once at module initialisation. */
import type {ContractSchemaSet} from '../common/types.js';
import instantiate from './schema/instantiate.json' with {type: 'json'};
import execute from './schema/execute.json' with {type: 'json'};
import query from './schema/query.json' with {type: 'json'};
import executeAnswer from './schema/responses/execute.json' with {type: 'json'};
import allowance from './schema/responses/allowance.json' with {type: 'json'};
import balance from './schema/responses/balance.json' with {type: 'json'};
import exchangeRate from './schema/responses/exchange_rate.json' with {type: 'json'};
import minters from './schema/responses/minters.json' with {type: 'json'};
import tokenConfig from './schema/responses/token_config.json' with {type: 'json'};
import tokenInfo from './schema/responses/token_info.json' with {type: 'json'};
import transactionHistory from './schema/responses/transaction_history.json' with {type: 'json'};
import withPermit from './schema/responses/with_permit.json' with {type: 'json'};

/** Message schemas, and answer schemas keyed by query name (`execute` = execute `data` answers). */
export const SNIP20_SCHEMAS: ContractSchemaSet = {
  instantiate,
  execute,
  query,
  responses: {
    execute: executeAnswer,
    allowance,
    balance,
    exchange_rate: exchangeRate,
    minters,
    token_config: tokenConfig,
    token_info: tokenInfo,
    transaction_history: transactionHistory,
    with_permit: withPermit,
  },
};
