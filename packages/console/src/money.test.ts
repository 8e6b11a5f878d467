import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDecimal, formatMoney, minorUnits } from './money.ts';

const LOCALES = ['en-US', 'es-PA', 'de-DE', 'de-CH', 'fr-FR', 'hi-IN', 'ar-EG', 'ja-JP'];
const CURRENCIES = ['PAB', 'USD', 'EUR', 'JPY', 'KWD', 'CHF'];

/** Any decimal string the API could send: a sign, up to 40 integer digits (leading zeros too), up to 30 decimals. */
const decimalString = fc
  .tuple(fc.boolean(), fc.stringMatching(/^\d{1,40}$/), fc.option(fc.stringMatching(/^\d{1,30}$/)))
  .map(
    ([negative, integer, fraction]) =>
      `${negative ? '-' : ''}${integer}${fraction === null ? '' : `.${fraction}`}`,
  );

/** What the amount must read as: no leading zeros, the minor units at least, no zero past them dropped unless a zero. */
function canonical(amount: string, minor: number): string {
  const [, sign, int, frac = ''] = /^(-?)(\d+)(?:\.(\d+))?$/.exec(amount)!;
  let f = frac;
  while (f.length > minor && f.endsWith('0')) f = f.slice(0, -1);
  f = f.padEnd(minor, '0');
  const i = int!.replace(/^0+(?=\d)/, '');
  const zero = /^0*$/.test(i + f);
  return `${sign && !zero ? '-' : ''}${i}${f ? `.${f}` : ''}`;
}

/** The formatted text read back into a decimal string with the locale's own symbols (the test's independent reader). */
function unformat(text: string, locale: string, currency: string): string {
  const nf = new Intl.NumberFormat(locale, { style: 'currency', currency, minimumFractionDigits: 1 });
  const parts = nf.formatToParts(-1n);
  const decimal = parts.find((p) => p.type === 'decimal')!.value;
  const minus = parts.find((p) => p.type === 'minusSign')!.value;
  const symbol = parts.find((p) => p.type === 'currency')!.value;
  const digits = Array.from({ length: 10 }, (_, d) => new Intl.NumberFormat(locale).format(BigInt(d)));
  let rest = text.replace(symbol, '');
  let out = '';
  let negative = false;
  while (rest.length > 0) {
    const d = digits.indexOf(rest[0]!);
    if (d >= 0) out += String(d);
    else if (rest.startsWith(decimal)) out += '.';
    else if (rest.startsWith(minus)) negative = true;
    rest = rest.slice(1);
  }
  return `${negative ? '-' : ''}${out}`;
}

/** The exact value of a decimal string, scaled to `scale` decimals (no float anywhere). */
const scaled = (amount: string, scale: number) => {
  const [, sign, int, frac = ''] = /^(-?)(\d+)(?:\.(\d+))?$/.exec(amount)!;
  const v = BigInt(int! + frac.padEnd(scale, '0'));
  return sign ? -v : v;
};

describe('formatMoney', () => {
  it('formats in the currency with its minor units and the locale grouping', () => {
    expect(formatMoney('1234567.5', 'PAB', 'es-PA')).toBe('B/.\u00a01,234,567.50');
    expect(formatMoney('1234567.5', 'EUR', 'de-DE')).toBe('1.234.567,50\u00a0€');
    expect(formatMoney('-1234.5', 'USD', 'en-US')).toBe('-$1,234.50');
    expect(formatMoney('1234567', 'JPY', 'ja-JP')).toBe('￥1,234,567');
    expect(formatMoney('12.3', 'KWD', 'en-US')).toBe('KWD\u00a012.300');
    expect(formatMoney('12345678.9', 'USD', 'hi-IN')).toBe('$1,23,45,678.90');
    expect(minorUnits('PAB')).toBe(2);
  });

  it('never rounds: digits past the minor units are kept, zeros past them dropped', () => {
    expect(formatMoney('0.125', 'USD', 'en-US')).toBe('$0.125');
    expect(formatMoney('10.5000', 'USD', 'en-US')).toBe('$10.50');
    expect(formatMoney('100.5', 'JPY', 'en-US')).toBe('¥100.5');
    expect(formatMoney('12345678901234567890123.45', 'USD', 'en-US')).toBe(
      '$12,345,678,901,234,567,890,123.45',
    );
    expect(formatMoney('-0.00', 'USD', 'en-US')).toBe('$0.00');
    expect(formatMoney('007.1', 'USD', 'en-US')).toBe('$7.10');
  });

  it('refuses anything but a decimal string', () => {
    for (const bad of [
      '',
      '1e3',
      '1.',
      '.5',
      ' 1',
      '1 ',
      '+1',
      '1,000.00',
      'NaN',
      'Infinity',
      '0x10',
      '١٢',
      '--1',
      '1.2.3',
    ]) {
      expect(() => formatMoney(bad, 'USD', 'en-US'), bad).toThrow(TypeError);
    }
  });

  it('round-trips any decimal string digit for digit, in every locale and currency', () => {
    fc.assert(
      fc.property(
        decimalString,
        fc.constantFrom(...LOCALES),
        fc.constantFrom(...CURRENCIES),
        (amount, locale, currency) => {
          const minor = minorUnits(currency);
          const text = formatMoney(amount, currency, locale);
          const back = unformat(text, locale, currency);
          expect(back).toBe(canonical(amount, minor));
          const scale = 40;
          expect(scaled(back, scale)).toBe(scaled(amount, scale));
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it("agrees with Intl's exact decimal formatting wherever the amount fits the minor units", () => {
    fc.assert(
      fc.property(
        decimalString,
        fc.constantFrom(...LOCALES),
        fc.constantFrom(...CURRENCIES),
        (amount, locale, currency) => {
          const minor = minorUnits(currency);
          const c = canonical(amount, minor);
          fc.pre((c.split('.')[1] ?? '').length === minor && !/^-?[0.]+$/.test(c));
          // Intl.NumberFormat reads a string as an exact decimal (ES2023): an oracle, not the implementation.
          expect(formatMoney(amount, currency, locale)).toBe(
            new Intl.NumberFormat(locale, { style: 'currency', currency }).format(
              c as Intl.StringNumericLiteral,
            ),
          );
        },
      ),
      { numRuns: 2_000 },
    );
  });
});

describe('formatDecimal', () => {
  it('formats a rate, quantity or price with the locale grouping, every digit kept, trailing zeros dropped', () => {
    expect(formatDecimal('1234.5', 'en-US')).toBe('1,234.5');
    expect(formatDecimal('1234.5', 'de-DE')).toBe('1.234,5');
    expect(formatDecimal('1.093712', 'de-DE')).toBe('1,093712');
    expect(formatDecimal('2.000', 'en-US')).toBe('2');
    expect(formatDecimal('-0.10', 'en-US')).toBe('-0.1');
    expect(formatDecimal('-0.000', 'en-US')).toBe('0');
    expect(() => formatDecimal('1e3', 'en-US')).toThrow(TypeError);
  });

  it("agrees with Intl's exact decimal formatting of the same string, in every locale", () => {
    fc.assert(
      fc.property(decimalString, fc.constantFrom(...LOCALES), (value, locale) => {
        const c = canonical(value, 0);
        fc.pre(!/^-?[0.]+$/.test(c));
        const digits = (c.split('.')[1] ?? '').length;
        // Intl.NumberFormat reads a string as an exact decimal (ES2023): an oracle, not the implementation.
        expect(formatDecimal(value, locale)).toBe(
          new Intl.NumberFormat(locale, {
            minimumFractionDigits: digits,
            maximumFractionDigits: Math.max(digits, 0),
          }).format(c as Intl.StringNumericLiteral),
        );
      }),
      { numRuns: 2_000 },
    );
  });
});
