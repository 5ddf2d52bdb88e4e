import { DataError } from '../core/errors';

/** Cell texts that mean "missing" in every file (compared case-insensitively). */
export const DEFAULT_MISSING_MARKERS: readonly string[] = ['', 'NA', 'NaN', '?'];

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INFINITY = /^[+-]?(?:inf|infinity)$/i;

/** A strict decimal number, or null. No hex, no blanks, no "Infinity". */
export function parseNumber(text: string): number | null {
  return NUMBER.test(text) ? Number(text) : null;
}

/**
 * Decides what one cell is: a number, a missing marker, or an error.
 * Extra markers given as numbers match by value (`0` matches `0.0`), others by text.
 */
export class CellReader {
  private readonly textMarkers: Set<string>;
  private readonly numberMarkers: Set<number>;

  constructor(extraMarkers: readonly string[], private readonly source: string) {
    this.textMarkers = new Set(DEFAULT_MISSING_MARKERS.map((m) => m.toLowerCase()));
    this.numberMarkers = new Set();
    for (const marker of extraMarkers) {
      const value = parseNumber(marker.trim());
      if (value !== null) this.numberMarkers.add(value);
      else this.textMarkers.add(marker.trim().toLowerCase());
    }
  }

  isMissingText(text: string): boolean {
    return this.textMarkers.has(text.toLowerCase());
  }

  /** True if the text is meant as a value or a missing cell, even a bad one (used to spot a header row). */
  isData(text: string): boolean {
    return parseNumber(text) !== null || this.isMissingText(text) || INFINITY.test(text);
  }

  /** A plain finite number as the cell's value: NaN if it is a missing marker (`--missing 0`). */
  checkValue(value: number): number {
    return this.numberMarkers.size > 0 && this.numberMarkers.has(value) ? NaN : value;
  }

  /** The cell's value, or NaN for a missing cell. Throws a DataError naming the place. */
  read(text: string, line: number, column: number): number {
    const value = parseNumber(text);
    if (value !== null) {
      if (this.numberMarkers.has(value)) return NaN;
      if (!Number.isFinite(value)) {
        throw new DataError(`${this.source}:${line}:${column}: "${text}" overflows a double`);
      }
      return value;
    }
    if (this.isMissingText(text)) return NaN;
    if (INFINITY.test(text)) {
      throw new DataError(`${this.source}:${line}:${column}: "${text}" is infinite; only finite numbers are allowed`);
    }
    throw new DataError(`${this.source}:${line}:${column}: "${truncate(text)}" is not a number`);
  }
}

function truncate(text: string): string {
  const printable = text.replace(/[\u0000-\u001f\u007f]/g, '?');
  return printable.length > 40 ? `${printable.slice(0, 40)}…` : printable;
}
