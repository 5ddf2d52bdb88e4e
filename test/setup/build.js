// Jest's global setup: the tests run the TypeScript sources, but worker threads and the
// WebAssembly kernel load compiled code from dist/; it is rebuilt here whenever any
// source changed since it was built (so a test never runs a stale build).
module.exports = async () => {
  require('../../scripts/build.js').buildIfStale();
};
