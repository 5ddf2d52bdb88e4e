import type { ReadOptions } from '../io/table';
import type { ModelDocument } from '../io/model';
import type { ColumnRef, ColumnSelection } from '../io/columns';

/** The reading options a model records, as --flags for messages. */
const FLAGS: Record<string, string> = {
  delimiter: '--delimiter',
  header: '--header',
  missing: '--missing',
  decimalComma: '--decimal-comma',
};

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const shown = (v: unknown) => (Array.isArray(v) ? v.join(',') : String(v));

/**
 * How to read new data for a saved model: as its training data was read (the options
 * the model records), unless an option is given now; one that contradicts the model's
 * is used, with a warning (a user may know better, but should be told).
 */
export function readOptionsFor(model: Pick<ModelDocument, 'read' | 'columns'>, given: ReadOptions): { options: ReadOptions; warnings: string[] } {
  const recorded = model.read;
  const options: Record<string, unknown> = {};
  const warnings: string[] = [];
  for (const key of Object.keys(FLAGS)) {
    const now = (given as Record<string, unknown>)[key];
    const then = recorded[key];
    if (now !== undefined) {
      options[key] = now;
      if (then !== undefined && !same(now, then)) warnings.push(`${FLAGS[key]} ${shown(now)} differs from the model's ${FLAGS[key]} ${shown(then)}; using ${shown(now)}`);
    } else if (then !== undefined) {
      options[key] = then;
    }
  }
  const select = selectionFor(model, given, options.header as boolean | undefined, warnings);
  if (select) options.select = select;
  return { options: options as ReadOptions, warnings };
}

/** A recorded column reference back from JSON (an open range's end, null, is Infinity). */
function refFromJson(r: unknown): ColumnRef | undefined {
  const o = r as { name?: unknown; index?: unknown; from?: unknown; to?: unknown } | null;
  if (o === null || typeof o !== 'object') return undefined;
  if (typeof o.name === 'string') return { name: o.name };
  if (typeof o.index === 'number') return { index: o.index };
  if (typeof o.from === 'number') return { from: o.from, to: typeof o.to === 'number' ? o.to : Infinity };
  return undefined;
}

/**
 * Which columns of new data are the model's features. Columns given now (--columns,
 * --ignore-columns) are used as given. Otherwise, a model fitted with a header matches the
 * new file's columns by name, in the model's order (a reordered file is reordered; a column
 * it lacks is an error naming it); one fitted without a header takes the same positions.
 * The model's id column is kept unless another is given; its labels column is not (new
 * data seldom has known classes: give --labels-column again).
 */
function selectionFor(model: Pick<ModelDocument, 'read' | 'columns'>, given: ReadOptions, header: boolean | undefined, warnings: string[]): ColumnSelection | undefined {
  const now = given.select ?? {};
  const recorded = (model.read.select ?? {}) as Record<string, unknown>;
  const recordedId = refFromJson(recorded.id);
  const id = now.id ?? recordedId;
  const labels = now.labels;
  if (now.keep || now.ignore) {
    if (recorded.keep || recorded.ignore || model.columns) warnings.push('--columns or --ignore-columns given: the model\'s own columns are not matched by name; make sure these are its features, in its order');
    return { ...now, ...(id ? { id } : {}) };
  }
  const layout = model.read.layout as { features?: unknown; fileColumns?: unknown } | undefined;
  const byName = model.columns !== null && header !== false;
  if (byName) return { order: model.columns!, ...(id ? { id } : {}), ...(labels ? { labels } : {}) };
  if (Array.isArray(layout?.features) && layout!.features.every((i) => Number.isInteger(i))) {
    const features = layout!.features as number[];
    const identity = features.every((f, i) => f === i) && layout!.fileColumns === features.length && !recordedId;
    // The same positions as in training (nothing to do when the features were the first columns, all of them).
    if (identity && !id && !labels) return undefined;
    return { keep: features.map((i) => ({ index: i + 1 })), ...(id ? { id } : {}), ...(labels ? { labels } : {}) };
  }
  return Object.keys(now).length > 0 ? now : undefined;
}
