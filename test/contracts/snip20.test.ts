import {wasmContract} from './harness.js';
import {describeSnip20} from './snip20-cases.js';

describeSnip20(() => wasmContract('snip20'));
