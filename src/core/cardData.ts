/**
 * Card numbers (PANs) in free text: what an agent or an application may type into a reason, a tag
 * or metadata must never carry one into Twilio (PCI DSS 3.3.1 keeps them out of recordings; the
 * same goes for task attributes, Sync and logs).
 *
 * The text is NFKC-normalised (fullwidth `４１１１` becomes `4111`), then read as runs of digits:
 * every character that is neither a letter nor a digit — spaces, dots, slashes, dashes, commas,
 * invisible ones — only separates digit groups of one run; a letter ends the run. Any 13–19
 * consecutive digits of a run that pass the Luhn check are a card number. Decimal digits of every
 * script count, with their value.
 *
 * This errs on the side of refusing: a run of 13 or more digits is refused about one time in ten
 * per 13–19 digit stretch it contains, card or not.
 */

export const CARD_NUMBER_DIGITS = { min: 13, max: 19 } as const;

const DECIMAL_DIGIT = /\p{Nd}/u;
const LETTER = /\p{L}/u;

const isDecimalDigit = (codePoint: number): boolean => DECIMAL_DIGIT.test(String.fromCodePoint(codePoint));

/**
 * A decimal digit's value. Unicode encodes every script's digits as contiguous runs 0–9, so the
 * value is the distance from the start of the run of digits the character stands in, modulo 10.
 */
function digitValue(codePoint: number): number {
  if (codePoint >= 0x30 && codePoint <= 0x39) return codePoint - 0x30;
  let zero = codePoint;
  while (isDecimalDigit(zero - 1)) zero -= 1;
  return (codePoint - zero) % 10;
}

/** The Luhn (mod 10) check over `digits[from, to)`. */
function passesLuhn(digits: number[], from: number, to: number): boolean {
  let sum = 0;
  for (let index = to - 1, doubled = false; index >= from; index -= 1, doubled = !doubled) {
    const digit = doubled ? digits[index] * 2 : digits[index];
    sum += digit > 9 ? digit - 9 : digit;
  }
  return sum % 10 === 0;
}

function runHasCardNumber(digits: number[]): boolean {
  const { min, max } = CARD_NUMBER_DIGITS;
  for (let from = 0; from + min <= digits.length; from += 1) {
    for (let length = min; length <= max && from + length <= digits.length; length += 1) {
      if (passesLuhn(digits, from, from + length)) return true;
    }
  }
  return false;
}

/** Whether `text` contains something that is, or could be, a payment card number. */
export function containsCardNumber(text: string): boolean {
  let run: number[] = [];
  for (const character of text.normalize('NFKC')) {
    const codePoint = character.codePointAt(0) as number;
    if ((codePoint >= 0x30 && codePoint <= 0x39) || DECIMAL_DIGIT.test(character)) {
      run.push(digitValue(codePoint));
    } else if (LETTER.test(character)) {
      if (runHasCardNumber(run)) return true;
      run = [];
    }
  }
  return runHasCardNumber(run);
}
