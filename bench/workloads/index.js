'use strict';
// The workloads bench/run.js runs, in this order (which is also the order of
// their sections and targets in the report). To add one, write
// bench/workloads/NAME.js (see bench/README.md, "Adding a workload") and list it here.
module.exports = [
  require('./startup.js'),
  require('./toy-fit.js'),
  require('./toy-sweep.js'),
  require('./netflix.js'),
  require('./synthetic.js'),
  require('./synthetic-kmeans.js'),
  require('./accelerate.js'),
  require('./large.js'),
];
