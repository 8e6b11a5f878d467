import { describe, expect, it } from 'vitest';
import { panamaRucDv } from './panama-ruc.ts';

/**
 * Known-valid RUCs and their DVs: the examples published with python-stdnum's Panama RUC module
 * and with the panama-ruc-dv-calculator package, both following the DGI's algorithm.
 */
describe('Panama RUC check digits (DV)', () => {
  it.each([
    ['2588017-1-831938', '20'],
    ['1489806-1-645353', '68'],
    ['1956569-1-732877', '00'],
    ['797609-1-493865', '12'],
    ['15565624-2-2017', '63'],
    ['155587169-2-2014', '09'],
    // An old legal-person RUC (tomo 253): cross-referenced digits, weight 12 skipped.
    ['253-92-57027', '76'],
  ])('legal person %s has DV %s', (ruc, dv) => {
    expect(panamaRucDv(ruc, 'LEGAL')).toBe(dv);
  });

  it.each([
    ['8-769-1080', '56'],
    ['5-257-218', '09'],
    ['6-108-289', '79'],
    ['8-28-1284', '33'],
    ['2-7-89', '20'],
    ['1-184-921', '49'],
  ])('natural person %s has DV %s', (ruc, dv) => {
    expect(panamaRucDv(ruc, 'NATURAL')).toBe(dv);
  });

  it('ignores spaces and case, and refuses what is not a RUC of the kind', () => {
    expect(panamaRucDv(' 2588017 - 1 - 831938 ', 'LEGAL')).toBe('20');
    for (const bad of [
      '',
      '2588017',
      '2588017-1',
      'A-1-2',
      '1-2-3-4',
      '2588017-12345-1',
      '0x1-1-1',
      '1e3-1-1',
    ]) {
      expect(panamaRucDv(bad, 'LEGAL')).toBeNull();
    }
    for (const bad of ['14-1-1', '0-1-1', 'X-1-1', '8-12345-1', 'NT-1-1', '8AV-1-123456789']) {
      expect(panamaRucDv(bad, 'NATURAL')).toBeNull();
    }
  });

  it('a changed digit changes the DV', () => {
    expect(panamaRucDv('2588017-1-831939', 'LEGAL')).not.toBe('20');
    expect(panamaRucDv('8-769-1081', 'NATURAL')).not.toBe('56');
  });
});
