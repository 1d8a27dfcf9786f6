/**
 * Card numbers in free text, in every form an agent or an application could type one: grouped
 * with any separator, fullwidth, in another script's digits, inside a sentence. Generated with
 * fast-check: any number that passes Luhn, written any such way, is found.
 */
import fc from 'fast-check';
import { containsCardNumber } from '../../src/core/cardData';

/** The Luhn check digit that completes `digits`. */
function luhnCheckDigit(digits: number[]): number {
  let sum = 0;
  for (let index = digits.length - 1, doubled = true; index >= 0; index -= 1, doubled = !doubled) {
    const digit = doubled ? digits[index] * 2 : digits[index];
    sum += digit > 9 ? digit - 9 : digit;
  }
  return (10 - (sum % 10)) % 10;
}

/** Any 13–19 digit number that passes Luhn. */
const cardNumber = fc
  .integer({ min: 13, max: 19 })
  .chain((length) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: length - 1, maxLength: length - 1 }))
  .map((digits) => [...digits, luhnCheckDigit(digits)]);

/** What people put between digit groups — and what hides between them. */
const separator = fc.constantFrom(
  ' ',
  '  ',
  '.',
  '/',
  '-',
  ' - ',
  '_',
  ',',
  ', ',
  '\u00a0',
  '\u2009',
  '\u200b',
  '\t',
  '\n',
  '*',
  '|',
  '·',
  '—',
  '(',
  ')',
  '\u0301',
);

/** The same digit in the ways it can be typed. */
const SCRIPTS: Array<(digit: number) => string> = [
  (digit) => String(digit),
  (digit) => String.fromCodePoint(0xff10 + digit), // fullwidth
  (digit) => String.fromCodePoint(0x0660 + digit), // Arabic-Indic
  (digit) => String.fromCodePoint(0x0966 + digit), // Devanagari
  (digit) => String.fromCodePoint(0x1d7ce + digit), // mathematical bold
];

/** A card number written with separators anywhere between its digits, in any mix of scripts. */
const writtenCard = cardNumber.chain((digits) =>
  fc
    .tuple(
      fc.array(fc.option(separator, { freq: 3 }), { minLength: digits.length, maxLength: digits.length }),
      fc.array(fc.integer({ min: 0, max: SCRIPTS.length - 1 }), { minLength: digits.length, maxLength: digits.length }),
    )
    .map(([separators, scripts]) =>
      digits.map((digit, index) => SCRIPTS[scripts[index]](digit) + (index < digits.length - 1 ? (separators[index] ?? '') : '')).join(''),
    ),
);

/** Words around it; they never end with a digit, so the card is a run of its own. */
const words = fc.stringMatching(/^([A-Za-zé]+ ){0,4}[A-Za-zé]*$/);

test('a known test card number is found however it is written', () => {
  for (const text of [
    '4111111111111111',
    '4111 1111 1111 1111',
    '4111.1111.1111.1111',
    '4111/1111/1111/1111',
    '4111-1111-1111-1111',
    '４１１１ １１１１ １１１１ １１１１',
    '4111\u200b1111\u200b1111\u200b1111',
    'card: 4111 1111 1111 1111, exp 12/27',
    '3782 822463 10005', // 15 digits
    '4222222222222', // 13 digits
    '6011 1111 1111 1117',
    '٤١١١ ١١١١ ١١١١ ١١١١',
  ]) {
    expect([text, containsCardNumber(text)]).toEqual([text, true]);
  }
});

test('every Luhn-valid 13–19 digit number is found, with any separators, scripts and words around it', () => {
  fc.assert(
    fc.property(words, writtenCard, words, (before, card, after) => {
      expect(containsCardNumber(`${before} ${card} ${after}`)).toBe(true);
      expect(containsCardNumber(`${before}${card}${after}`)).toBe(true);
    }),
    { numRuns: 500 },
  );
});

test('a card number with the expiry or CVV typed right after it is still found', () => {
  fc.assert(
    fc.property(writtenCard, fc.stringMatching(/^[0-9]{2}\/[0-9]{2}$|^[0-9]{3,4}$/), (card, extra) => {
      expect(containsCardNumber(`${card} ${extra}`)).toBe(true);
    }),
    { numRuns: 200 },
  );
});

test('text whose digit runs are shorter than 13 digits is never refused', () => {
  const shortNumber = fc.stringMatching(/^[0-9]{1,4}([ ./-][0-9]{1,4}){0,2}$/);
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.stringMatching(/^[A-Za-z]+$/), shortNumber), { maxLength: 6 }), (parts) => {
      const text = parts.map(([word, number]) => `${word} ${number}`).join(' ');
      expect(containsCardNumber(text)).toBe(false);
    }),
    { numRuns: 500 },
  );
});

test('what agents do type is allowed: phone numbers, dates, order numbers, reasons', () => {
  for (const text of [
    'customer reading card',
    'call back on +44 20 7946 0958',
    'order 12345, ref 678',
    '2024-05-01T10:00:00Z',
    'ticket #4521',
    'Zahlung über 1.234,56 €',
  ]) {
    expect([text, containsCardNumber(text)]).toEqual([text, false]);
  }
});

/** Luhn as usually written: from the right, double every second digit. */
const passesLuhn = (digits: string): boolean =>
  [...digits].reverse().reduce((sum, char, index) => {
    const value = Number(char) * (index % 2 === 1 ? 2 : 1);
    return sum + (value > 9 ? value - 9 : value);
  }, 0) %
    10 ===
  0;

test('a run of digits is refused exactly when some 13–19 of its consecutive digits pass Luhn', () => {
  fc.assert(
    fc.property(fc.stringMatching(/^[0-9]{10,24}$/), fc.array(separator, { minLength: 24, maxLength: 24 }), (digits, separators) => {
      const windows = [];
      for (let from = 0; from < digits.length; from += 1) {
        for (let length = 13; length <= 19 && from + length <= digits.length; length += 1) windows.push(digits.slice(from, from + length));
      }
      const written = [...digits].map((digit, index) => digit + (index % 4 === 3 ? separators[index] : '')).join('');
      expect(containsCardNumber(`ref ${written} end`)).toBe(windows.some(passesLuhn));
    }),
    { numRuns: 1000 },
  );
});
