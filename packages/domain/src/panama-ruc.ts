/**
 * Panama's RUC (Registro Único de Contribuyente) and its DV (dígito verificador), by the DGI's
 * published algorithm ("Algoritmo para el cálculo del dígito verificador del RUC"): the RUC is
 * laid out as a 20-digit base, each digit weighted 2, 3, 4, … from the right, and the DV's first
 * digit is 11 − (sum mod 11) (0 when the remainder is 0 or 1); the second digit is the same over
 * the base followed by the first. Old legal-person RUCs (a tomo below 50,000: "00" then 0–4 in the
 * base's 4th to 6th digits) translate two of their digits by the DGI's cross-reference table and
 * skip weight 12.
 *
 * Formats accepted (hyphens required, spaces ignored, letters in any case):
 * - legal person: tomo/rollo-folio/imagen-asiento/ficha, e.g. `2588017-1-831938`, `155587169-2-2014`;
 * - natural person (cédula): province-folio-asiento (`8-769-1080`), with a letter prefix for
 *   foreigners (`E-8-157481`), naturalized (`N-19-1234`) and Panamanians born abroad (`PE-10-321`),
 *   or a province followed by AV or PI (`8AV-12-345`, `2PI-34-567`).
 * NT numbers (foreigners without cédula) are outside this check: BAD_USER_INPUT names them.
 */

export type RucKind = 'LEGAL' | 'NATURAL';

const OLD_CROSS_REFERENCE: Readonly<Record<string, string>> = {
  '00': '00',
  '10': '01',
  '11': '02',
  '12': '03',
  '13': '04',
  '14': '05',
  '15': '06',
  '16': '07',
  '17': '08',
  '18': '09',
  '19': '01',
  '20': '02',
  '21': '03',
  '22': '04',
  '23': '07',
  '24': '08',
  '25': '09',
  '26': '02',
  '27': '03',
  '28': '04',
  '29': '05',
  '30': '06',
  '31': '07',
  '32': '08',
  '33': '09',
  '34': '01',
  '35': '02',
  '36': '03',
  '37': '04',
  '38': '05',
  '39': '06',
  '40': '07',
  '41': '08',
  '42': '09',
  '43': '01',
  '44': '02',
  '45': '03',
  '46': '04',
  '47': '05',
  '48': '06',
  '49': '07',
};

// Natural persons' letter codes: [code in the base, code replacing the province for long folios].
const LETTERS: Readonly<Record<string, readonly [string, string]>> = {
  E: ['5', '66'],
  PE: ['75', '82'],
  N: ['4', '92'],
  AV: ['15', '9595'],
  PI: ['79', '9595'],
};

const pad = (s: string, n: number) => s.padStart(n, '0');

function checkDigit(base: string, old: boolean): string {
  let weight = 2;
  let sum = 0;
  let skip = old;
  for (const c of [...base].reverse()) {
    if (skip && weight === 12) {
      skip = false;
      weight -= 1;
    }
    sum += weight * (c.charCodeAt(0) - 48);
    weight += 1;
  }
  const r = sum % 11;
  return r > 1 ? String(11 - r) : '0';
}

function twoDigits(base: string, old: boolean): string {
  const first = checkDigit(base, old);
  return first + checkDigit(base + first, old);
}

function legalDv(parts: string[]): string | null {
  const [tomo = '', folio = '', asiento = ''] = parts;
  if (!/^\d{1,9}$/.test(tomo) || !/^\d{1,4}$/.test(folio) || !/^\d{1,6}$/.test(asiento)) return null;
  let base = pad(tomo, 10) + pad(folio, 4) + pad(asiento, 6);
  const old = base[3] === '0' && base[4] === '0' && (base[5] ?? '9') < '5';
  if (old)
    base = base.slice(0, 5) + (OLD_CROSS_REFERENCE[base.slice(5, 7)] ?? base.slice(5, 7)) + base.slice(7);
  return twoDigits(base, old);
}

function naturalDv(parts: string[]): string | null {
  const [head = '', folio = '', asiento = ''] = parts;
  if (!/^\d{1,4}$/.test(folio) || !/^\d{1,9}$/.test(asiento)) return null;
  const short = folio.length < 4;
  let base: string;
  const letter = LETTERS[head];
  const suffix = /^(\d{1,2})(AV|PI)$/.exec(head);
  if (/^\d{1,2}$/.test(head) && Number(head) >= 1 && Number(head) <= 13) {
    base = `5${pad(head, 2)}00${pad(folio, 3)}${pad(asiento.slice(0, 5), 5)}`;
  } else if (suffix) {
    const [code, long] = LETTERS[suffix[2] as 'AV' | 'PI'] as readonly [string, string];
    if (asiento.length > 8) return null;
    base = short
      ? `5${pad(suffix[1] as string, 2)}${code}${pad(folio, 3)}${pad(asiento.slice(0, 5), 5)}`
      : `5${long}${pad(folio, 4)}${pad(asiento.slice(0, 5), 5)}`;
  } else if (letter) {
    const [code, long] = letter;
    const sixDigitAsiento = asiento.length === 6 && (head === 'E' || head === 'N');
    const tail = sixDigitAsiento ? asiento : pad(asiento.slice(0, 5), 5);
    base = short
      ? `500${code.padEnd(2, '0')}${pad(folio, 3)}${tail}`
      : `5${long}${sixDigitAsiento ? code.padEnd(2, '0') : code}${pad(folio, 4)}${tail}`;
  } else {
    return null;
  }
  return twoDigits(pad(base, 20), false);
}

/** The DV of a RUC of the given kind, or null when the RUC is not in a format of that kind. */
export function panamaRucDv(ruc: string, kind: RucKind): string | null {
  const parts = ruc.replace(/\s+/g, '').toUpperCase().split('-');
  if (parts.length !== 3) return null;
  return kind === 'LEGAL' ? legalDv(parts) : naturalDv(parts);
}

/** The RUC as it is stored: without spaces, letters upper case. */
export const normalizeRuc = (ruc: string) => ruc.replace(/\s+/g, '').toUpperCase();
