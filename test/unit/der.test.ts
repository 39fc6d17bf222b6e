import {describe, expect, it} from '@jest/globals';
import * as der from '../../src/attest/der.js';

describe('der reader', () => {
  it('reads a sequence with an OID, an integer and a UTCTime', () => {
    // SEQUENCE { OID 1.2.840.113741.1.13.1, INTEGER 300, UTCTime 250701000000Z }
    const bytes = Buffer.from('301e06092a864886f84d010d010202012c170d3235303730313030303030305a', 'hex');
    const root = der.parse(bytes);
    const [o, i, t] = der.children(root);
    expect(der.oid(o)).toBe('1.2.840.113741.1.13.1');
    expect(der.int(i)).toBe(300);
    expect(der.time(t)).toBe(1751328000);
  });

  it('rejects truncated input and trailing bytes', () => {
    expect(() => der.parse(Buffer.from('3005020101', 'hex'))).toThrow(der.DerError);
    expect(() => der.parse(Buffer.from('020101ff', 'hex'))).toThrow(/trailing/);
  });
});
