import { InvalidArgumentError } from 'commander';
import {
  collect,
  numberParser,
  parseDelimiter,
  parseIntegerList,
  parseKList,
  parseMaxIter,
  parseNonNegative,
  parsePositive,
  parsePrecision,
  parseSeedList,
} from '../../src/cli/parsers';

/** The InvalidArgumentError message of `fn()`. */
function rejection(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidArgumentError);
    return (err as Error).message;
  }
  throw new Error('expected an InvalidArgumentError');
}

describe.each([
  ['parseKList', parseKList],
  ['parseSeedList', parseSeedList],
])('%s accepts', (_name, parse) => {
  test.each<[string, number[]]>([
    ['3', [3]],
    ['1,2,4', [1, 2, 4]],
    ['1..4', [1, 2, 3, 4]],
    ['1..3,8', [1, 2, 3, 8]],
    ['8,1..3', [8, 1, 2, 3]],
    ['2..2', [2]],
    [' 1 , 2 ', [1, 2]],
    ['1,1,2,1..3', [1, 2, 3]],
    ['007', [7]],
  ])('%j -> %j', (text, expected) => {
    expect(parse(text)).toEqual(expected);
  });
});

describe.each([
  ['parseKList', parseKList],
  ['parseSeedList', parseSeedList],
])('%s rejects', (_name, parse) => {
  test.each<[string, RegExp]>([
    ['1..x', /^"1\.\.x" is not an integer, a list \(1,2,4\) or a range \(1\.\.4\)$/],
    ['3..1', /^the range "3\.\.1" runs backwards; write 1\.\.3$/],
    ['-1', /^"-1" is not an integer, a list/],
    ['', /^"" is not an integer, a list/],
    ['1,,2', /^"1,,2" is not an integer, a list/],
    ['1.5', /^"1\.5" is not an integer, a list/],
    ['1...3', /^"1\.\.\.3" is not an integer, a list/],
    ['a', /^"a" is not an integer, a list/],
    ['1..', /^"1\.\." is not an integer, a list/],
    ['1..200001', /^the range "1\.\.200001" has more than 100000 values$/],
  ])('%j', (text, message) => {
    expect(rejection(() => parse(text))).toMatch(message);
  });
});

describe('K and seed bounds', () => {
  test('K must be ≥ 1', () => {
    expect(rejection(() => parseKList('0'))).toBe('0 in "0" is outside 1..1000000');
    expect(rejection(() => parseKList('0..3'))).toBe('0 in "0..3" is outside 1..1000000');
    expect(rejection(() => parseKList('2,0'))).toBe('0 in "2,0" is outside 1..1000000');
    expect(parseKList('1000000')).toEqual([1000000]);
    expect(rejection(() => parseKList('1000001'))).toBe('1000001 in "1000001" is outside 1..1000000');
  });

  test('a seed is 0..2^32−1', () => {
    expect(parseSeedList('0')).toEqual([0]);
    expect(parseSeedList('4294967295')).toEqual([4294967295]);
    expect(parseSeedList('4294967290..4294967295')).toEqual([4294967290, 4294967291, 4294967292, 4294967293, 4294967294, 4294967295]);
    expect(rejection(() => parseSeedList('4294967296'))).toBe('4294967296 in "4294967296" is outside 0..4294967295');
    expect(rejection(() => parseSeedList('0..4294967296'))).toBe('4294967296 in "0..4294967296" is outside 0..4294967295');
    expect(rejection(() => parseSeedList('99999999999999999999'))).toMatch(/^99999999999999999999 in "99999999999999999999" is outside 0\.\.4294967295$/);
  });

  test('parseIntegerList uses the bounds it is given', () => {
    expect(parseIntegerList('5..7', 5, 7)).toEqual([5, 6, 7]);
    expect(rejection(() => parseIntegerList('4', 5, 7))).toBe('4 in "4" is outside 5..7');
    expect(rejection(() => parseIntegerList('5..8', 5, 7))).toBe('8 in "5..8" is outside 5..7');
  });
});

describe('number options', () => {
  test('--tol: a number > 0', () => {
    expect(parsePositive('1e-6')).toBe(1e-6);
    expect(parsePositive('0.5')).toBe(0.5);
    expect(parsePositive('+2')).toBe(2);
    expect(parsePositive(' 3 ')).toBe(3);
    for (const bad of ['0', '-0', '0.0', '-1e-6', 'abc', '', '1e400', 'Infinity', 'NaN', '0x10', '1,5']) {
      expect(rejection(() => parsePositive(bad))).toBe(`expected a number > 0, got "${bad}"`);
    }
  });

  test('--min-var: a number ≥ 0', () => {
    expect(parseNonNegative('0')).toBe(0);
    expect(parseNonNegative('0.25')).toBe(0.25);
    expect(parseNonNegative('1e3')).toBe(1000);
    for (const bad of ['-1', '-0.001', 'x', '', 'inf']) {
      expect(rejection(() => parseNonNegative(bad))).toBe(`expected a number ≥ 0, got "${bad}"`);
    }
  });

  test('--max-iter: an integer ≥ 1', () => {
    expect(parseMaxIter('1')).toBe(1);
    expect(parseMaxIter('1000')).toBe(1000);
    expect(parseMaxIter('1e3')).toBe(1000);
    for (const bad of ['0', '-1', '1.5', '0.5', 'ten', '']) {
      expect(rejection(() => parseMaxIter(bad))).toBe(`expected an integer ≥ 1, got "${bad}"`);
    }
  });

  test('--precision: an integer 0..17', () => {
    expect(parsePrecision('0')).toBe(0);
    expect(parsePrecision('17')).toBe(17);
    for (const bad of ['18', '-1', '2.5']) {
      expect(rejection(() => parsePrecision(bad))).toBe(`expected an integer from 0 to 17, got "${bad}"`);
    }
  });

  test('numberParser builds a parser from a predicate and a description', () => {
    const even = numberParser('an even number', (v) => v % 2 === 0);
    expect(even('4')).toBe(4);
    expect(rejection(() => even('3'))).toBe('expected an even number, got "3"');
    expect(rejection(() => even('four'))).toBe('expected an even number, got "four"');
  });
});

describe('other option parsers', () => {
  test('collect gathers repeated values in order', () => {
    expect(collect('0', undefined)).toEqual(['0']);
    expect(collect('x', ['0'])).toEqual(['0', 'x']);
  });

  test.each<[string, string]>([
    ['comma', ','],
    ['COMMA', ','],
    [',', ','],
    ['csv', ','],
    ['tab', '\t'],
    ['\t', '\t'],
    ['\\t', '\t'],
    ['tsv', '\t'],
    ['whitespace', 'whitespace'],
    ['space', 'whitespace'],
    [' ', 'whitespace'],
  ])('parseDelimiter(%j) -> %j', (text, expected) => {
    expect(parseDelimiter(text)).toBe(expected);
  });

  test('parseDelimiter takes semicolon, pipe, :: and other single characters, and rejects the rest', () => {
    expect(parseDelimiter('semicolon')).toBe(';');
    expect(parseDelimiter(';')).toBe(';');
    expect(parseDelimiter('::')).toBe('::');
    const message = (text: string) =>
      `expected comma, tab, whitespace (or space), semicolon, pipe, :: or a single character other than a quote, a digit, a sign or '.', got "${text}"`;
    for (const bad of ['5', '"', '.', '-', 'colon']) expect(rejection(() => parseDelimiter(bad))).toBe(message(bad));
  });
});
