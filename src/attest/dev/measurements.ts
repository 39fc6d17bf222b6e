/**
 * The measurement policy that dev evidence (`attest collect --dev`, {@link mintDevEvidence}) satisfies, so the
 * devnet's genesis can list it in the WorkerManager's `accepted_measurements`. Dev registers are SHA-384 of
 * fixed labels ({@link devMeasurement}) and dev GPUs report fixed versions: the document does not depend on
 * the devnet's roots, keys or time, so every devnet home gets the same one. Pure.
 */
import {hex} from '../types.js';
import type {MeasurementPolicy} from '../measurements.js';
import {DEV_GPU_DRIVER, DEV_GPU_VBIOS} from './mint.js';
import {devMeasurement} from './roots.js';

/** Name of the dev measurement policy. */
export const DEV_MEASUREMENT_POLICY_NAME = 'secretai-dev';

/**
 * The policy document accepting exactly the dev image: its TDX MRTD and RTMR0–3 and the dev GPUs' driver
 * and VBIOS versions as minimums. `version` defaults to "1".
 */
export function devMeasurementPolicy(opts: {name?: string; version?: string} = {}): MeasurementPolicy {
  const reg = (label: string) => hex(devMeasurement(label));
  return {
    name: opts.name ?? DEV_MEASUREMENT_POLICY_NAME,
    version: opts.version ?? '1',
    tdx: [{mrtd: reg('MRTD'), rtmr0: reg('RTMR0'), rtmr1: reg('RTMR1'), rtmr2: reg('RTMR2'), rtmr3: reg('RTMR3')}],
    nvidia: {min_driver_version: DEV_GPU_DRIVER, min_vbios_version: DEV_GPU_VBIOS},
  };
}
