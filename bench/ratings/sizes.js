'use strict';
// The data sizes of `npm run bench:ratings` (bench/ratings.js --size NAME). `full`
// is the Netflix Prize's training set shape; the others keep about its density
// (~1%) and skew at a fraction of the cost. The targets are set for `full`.
const SIZES = Object.freeze({
  small: Object.freeze({ users: 20000, items: 3000, ratings: 1000000 }),
  medium: Object.freeze({ users: 100000, items: 10000, ratings: 10000000 }),
  full: Object.freeze({ users: 480189, items: 17770, ratings: 100480507 }),
});

// The data seed (generate.js --seed) unless --seed is given. The EM start is always seed 0.
const DATA_SEED = 20240609;

module.exports = { SIZES, DATA_SEED };
