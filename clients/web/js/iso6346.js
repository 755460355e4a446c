// ISO 6346 container numbers: a 3-letter owner code, a category letter, a
// 6-digit serial number and a check digit (CSQU3054383). The server checks
// them with python-stdnum, which accepts the category letters U, J, Z and R.

const CATEGORY_LETTERS = "UJZR";
const SHAPE =
  "an ISO 6346 container number is a 3-letter owner code, a category letter " +
  "(U, J, Z or R), a 6-digit serial number and a check digit, like CSQU3054383";

// Letters count from A = 10 upwards, skipping the multiples of 11 (11, 22, 33).
const LETTER_VALUES = (() => {
  const values = new Map();
  let value = 10;
  for (const letter of "ABCDEFGHIJKLMNOPQRSTUVWXYZ") {
    if (value % 11 === 0) value += 1;
    values.set(letter, value);
    value += 1;
  }
  return values;
})();

/**
 * Return the check digit of the first 10 characters: the sum of each
 * character's value times 2 to the power of its position, modulo 11, with a
 * remainder of 10 written as 0.
 */
export function checkDigit(first10) {
  let sum = 0;
  for (let position = 0; position < 10; position += 1) {
    const character = first10[position];
    const value = /[0-9]/.test(character) ? Number(character) : LETTER_VALUES.get(character);
    sum += value * 2 ** position;
  }
  return String((sum % 11) % 10);
}

/**
 * Normalize a container number (whitespace removed, capitals) and check it.
 * Returns {number} or {error}, with the error worded like the server's.
 */
export function checkContainer(value) {
  const quoted = `'${value}'`;
  const compact = value.replace(/\s+/g, "");

  if (!/^[\x00-\x7f]*$/.test(compact)) {
    return { error: `${quoted} contains characters other than letters A to Z and digits; ${SHAPE}` };
  }
  const number = compact.toUpperCase();

  if (number.length !== 11) {
    return { error: `${quoted} has ${number.length} characters without spaces, not 11; ${SHAPE}` };
  }
  const owner = number.slice(0, 3);
  const category = number[3];
  const serial = number.slice(4, 10);
  const check = number[10];

  if (!/^[A-Z]{3}$/.test(owner)) {
    return { error: `${quoted} has the owner code ${owner}; an ISO 6346 owner code is 3 letters A to Z` };
  }
  if (!CATEGORY_LETTERS.includes(category)) {
    return { error: `${quoted} has the category letter ${category}; the category letter must be U, J, Z or R` };
  }
  if (!/^[0-9]{6}$/.test(serial)) {
    return { error: `${quoted} has the serial number ${serial}; an ISO 6346 serial number is 6 digits` };
  }
  if (!/^[0-9]$/.test(check)) {
    return { error: `${quoted} has the check digit ${check}; the check digit must be a digit 0 to 9` };
  }

  const expected = checkDigit(number.slice(0, 10));
  if (check !== expected) {
    return { error: `'${number}' has check digit ${check}; ISO 6346 requires ${expected}` };
  }
  return { number };
}
