import fc from 'fast-check';
import { EMPTY_ID, IdIndex, KnownIds, TEXT_ID, numericId, ownCopy } from '../../src/io/ratings-ids';

describe('numericId', () => {
  test('plain non-negative integers of up to 9 digits, without leading zeros; the rest by text', () => {
    const cases: Array<[string, number]> = [
      ['0', 0],
      ['7', 7],
      ['1193', 1193],
      ['999999999', 999999999],
      ['', EMPTY_ID],
      ['01', TEXT_ID],
      ['00', TEXT_ID],
      ['1000000000', TEXT_ID],
      ['-3', TEXT_ID],
      ['+3', TEXT_ID],
      ['1e3', TEXT_ID],
      ['1.0', TEXT_ID],
      ['u1', TEXT_ID],
      ['１２', TEXT_ID],
    ];
    expect(cases.map(([text]) => numericId(text, 0, text.length))).toEqual(cases.map(([, v]) => v));
    expect(numericId('x,123,y', 2, 5)).toBe(123);
  });

  test('a numeric id prints back as its text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), (text) => {
        const v = numericId(text, 0, text.length);
        if (v >= 0) expect(String(v)).toBe(text);
      }),
      { seed: 5, numRuns: 2000 },
    );
  });
});

describe('IdIndex', () => {
  test('indices by first appearance, numeric and text ids mixed, with their texts', () => {
    const ids = new IdIndex();
    expect([ids.numeric(42), ids.text('u1'), ids.numeric(7), ids.numeric(42), ids.text('01'), ids.text('u1')]).toEqual([0, 1, 2, 0, 3, 1]);
    expect(ids.ids).toEqual(['42', 'u1', '7', '01']);
    expect(ids.size).toBe(4);
    expect(ids.numeric(8)).toBe(4);
    expect(ids.ids).toEqual(['42', 'u1', '7', '01', '8']); // made again after a new id
  });

  test('an id too large for the table at first keeps its index once the table has grown past it', () => {
    const ids = new IdIndex();
    expect(ids.numeric(5_000_000)).toBe(0); // past the table's first limit: kept by its text
    for (let v = 0; v < 400_000; v++) ids.numeric(v); // the table may now grow to 5,000,001 entries
    expect(ids.numeric(5_000_000)).toBe(0);
    expect(ids.numeric(5_000_001)).toBe(400_001);
    expect(ids.numeric(999_999_999)).toBe(400_002); // never in the table
    expect(ids.numeric(999_999_999)).toBe(400_002);
    expect(ids.ids[0]).toBe('5000000');
    expect(ids.ids[400_002]).toBe('999999999');
  });

  test('random ids against a Map', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer({ min: 0, max: 999_999_999 }), fc.integer({ min: 0, max: 3000 }), fc.constantFrom('a', '01', 'x y')), { maxLength: 300 }), (list) => {
        const ids = new IdIndex();
        const reference = new Map<string, number>();
        for (const id of list) {
          const text = String(id);
          if (!reference.has(text)) reference.set(text, reference.size);
          const got = typeof id === 'number' ? ids.numeric(id) : ids.text(id);
          expect(got).toBe(reference.get(text));
        }
        expect(ids.ids).toEqual([...reference.keys()]);
      }),
      { seed: 9, numRuns: 200 },
    );
  });
});

describe('KnownIds', () => {
  test('known ids get their index in the map; unknown ones base + their own index by first appearance', () => {
    const known = new KnownIds(
      new Map([
        ['10', 0],
        ['u7', 1],
        ['3000000000', 2],
        ['08', 3],
      ]),
      'userIds',
    );
    expect(known.base).toBe(4);
    expect([known.numeric(10), known.text('u7'), known.text('3000000000'), known.text('08'), known.numeric(8), known.text('zz'), known.numeric(8)]).toEqual([0, 1, 2, 3, 4, 5, 4]);
    expect(known.unknown.ids).toEqual(['8', 'zz']);
  });
});

test('ownCopy gives the same text', () => {
  const long = 'x'.repeat(100) + '☕\ud800' + 'y'.repeat(10);
  expect(ownCopy(long.slice(3, 110))).toBe(long.slice(3, 110));
  expect(ownCopy('short')).toBe('short');
});
