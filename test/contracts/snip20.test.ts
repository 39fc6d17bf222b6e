import {snip20} from '../../contracts/snip20/contract.js';
import {describeSnip20} from './snip20-cases.js';

describeSnip20(() => snip20);
