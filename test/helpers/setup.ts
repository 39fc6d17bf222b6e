// Jest replaces the console with a buffering one; commands under test write to the real streams.
import {Console} from 'node:console';
globalThis.console = new Console({stdout: process.stdout, stderr: process.stderr});
