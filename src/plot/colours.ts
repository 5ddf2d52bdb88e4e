/**
 * The components' colours: the 8 Okabe–Ito colours (colour-blind safe), then, for K > 8,
 * further colours chosen to stay apart from those and from each other, and the blend of
 * colours by weight that colours the points.
 */

/** Okabe–Ito colours, ordered so that the first few contrast well on white (yellow and black last). */
export const PALETTE: readonly string[] = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#F0E442', '#000000'];

/**
 * The colour of component j (0-based): PALETTE for j < 8, then extraColours(). Different for
 * every j below 8 + extraColours().length (over 300); beyond that they repeat. A bad j gets the first.
 */
export function colourOf(j: number): string {
  if (!Number.isInteger(j) || j < 0) return PALETTE[0];
  if (j < PALETTE.length) return PALETTE[j];
  const extra = extraColours();
  return extra[(j - PALETTE.length) % extra.length];
}

/** A colour in the OKLab space, where Euclidean distance follows perceived difference. */
export type Lab = readonly [number, number, number];

/** OKLab (Björn Ottosson, 2020) of an sRGB colour given as #RRGGBB. */
export function oklab(colour: string): Lab {
  const [r, g, b] = parseHex(colour).map((c) => toLinear(c / 255));
  const l = Math.cbrt(0.4122214708 * r + 0.5363325363 * g + 0.0514459929 * b);
  const m = Math.cbrt(0.2119034982 * r + 0.6806995451 * g + 0.1073969566 * b);
  const s = Math.cbrt(0.0883024619 * r + 0.2817188376 * g + 0.6299787005 * b);
  return [0.2104542553 * l + 0.793617785 * m - 0.0040720468 * s, 1.9779984951 * l - 2.428592205 * m + 0.4505937099 * s, 0.0259040371 * l + 0.7827717662 * m - 0.808675766 * s];
}

/** The distance between two colours in OKLab (about 0.02 is just noticeable; 1 is black to white). */
export function colourDistance(a: string, b: string): number {
  const [p, q] = [oklab(a), oklab(b)];
  return Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]);
}

/**
 * Candidates for the extra colours, as OKLCH lightness, chroma and hue: lightness from 0.42 to 0.72,
 * so that every colour shows on white (the background) and none is near-black (Okabe–Ito's last);
 * chroma high enough to read as a hue. Colours outside sRGB are dropped.
 */
const LIGHTNESS = [0.42, 0.52, 0.62, 0.72];
const CHROMA = [0.08, 0.12, 0.16];
const HUE_STEP = 10;

let extra: readonly string[] | null = null;

/**
 * The extra colours, in order: each is the candidate farthest (in OKLab) from the 8 Okabe–Ito colours
 * and from every extra colour before it (farthest-point sampling). So the first extra colours are the
 * most different, and any prefix is well spread, whatever K is. Computed once, on first use.
 * Colour-blind safety cannot be kept beyond 8 colours; distance in OKLab is what is kept.
 */
export function extraColours(): readonly string[] {
  extra ??= farthestFirst(PALETTE, candidateColours());
  return extra;
}

function candidateColours(): string[] {
  const out = new Set<string>();
  for (const l of LIGHTNESS)
    for (const c of CHROMA)
      for (let h = 0; h < 360; h += HUE_STEP) {
        const rgb = oklchToSrgb(l, c, h);
        if (rgb) out.add(hex(rgb));
      }
  return [...out];
}

/** The candidates ordered by farthest-point sampling from `fixed`; candidates that repeat a fixed colour are left out. */
function farthestFirst(fixed: readonly string[], candidates: readonly string[]): string[] {
  const labs = candidates.map(oklab);
  // nearest[i]: candidate i's distance to the nearest colour chosen so far (fixed ones included).
  const nearest = new Float64Array(candidates.length).fill(Infinity);
  const lower = (chosen: Lab) => labs.forEach((p, i) => (nearest[i] = Math.min(nearest[i], Math.hypot(p[0] - chosen[0], p[1] - chosen[1], p[2] - chosen[2]))));
  fixed.forEach((c) => lower(oklab(c)));
  const order: string[] = [];
  for (;;) {
    let best = -1;
    for (let i = 0; i < candidates.length; i++) if (nearest[i] > 0 && (best < 0 || nearest[i] > nearest[best])) best = i;
    if (best < 0) return order;
    order.push(candidates[best]);
    lower(labs[best]);
    nearest[best] = 0;
  }
}

/** sRGB (0..255 per channel) of an OKLCH colour, or null when it lies outside the sRGB gamut. */
function oklchToSrgb(lightness: number, chroma: number, hueDegrees: number): [number, number, number] | null {
  const a = chroma * Math.cos((hueDegrees * Math.PI) / 180);
  const b = chroma * Math.sin((hueDegrees * Math.PI) / 180);
  const l = (lightness + 0.3963377774 * a + 0.2158037573 * b) ** 3;
  const m = (lightness - 0.1055613458 * a - 0.0638541728 * b) ** 3;
  const s = (lightness - 0.0894841775 * a - 1.291485548 * b) ** 3;
  const linear = [4.0767416621 * l - 3.3077115913 * m + 0.2309699292 * s, -1.2684380046 * l + 2.6097574011 * m - 0.3413193965 * s, -0.0041960863 * l - 0.7034186147 * m + 1.707614701 * s];
  if (linear.some((v) => v < -1e-9 || v > 1 + 1e-9)) return null;
  return linear.map((v) => 255 * fromLinear(Math.min(1, Math.max(0, v)))) as [number, number, number];
}

function toLinear(c: number): number {
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

function fromLinear(c: number): number {
  return c <= 0.0031308 ? 12.92 * c : 1.055 * c ** (1 / 2.4) - 0.055;
}

function parseHex(colour: string): [number, number, number] {
  const m = /^#([0-9a-f]{6})$/i.exec(colour);
  if (!m) return [128, 128, 128];
  const n = parseInt(m[1], 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

function hex(rgb: readonly number[]): string {
  return '#' + rgb.map((c) => Math.max(0, Math.min(255, Math.round(c))).toString(16).padStart(2, '0')).join('').toUpperCase();
}

/**
 * The weighted average of colours (sRGB components), with weights normalised to sum 1;
 * negative or non-finite weights count as 0, and no weight at all gives grey.
 */
export function blend(colours: readonly string[], weights: ArrayLike<number>): string {
  const sum = [0, 0, 0];
  let total = 0;
  for (let j = 0; j < colours.length; j++) {
    const w = weights[j];
    if (!(Number.isFinite(w) && w > 0)) continue;
    const rgb = parseHex(colours[j]);
    for (let c = 0; c < 3; c++) sum[c] += w * rgb[c];
    total += w;
  }
  if (total <= 0) return '#808080';
  return hex(sum.map((s) => s / total));
}
