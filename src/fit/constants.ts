/** The course's variance floor for ratings with missing cells written 0 (a 1–5 scale): 0.25. */
export const MISSING_DATA_MIN_VAR = 0.25;
