#!/usr/bin/env node
'use strict';
// Writes the README's option tables (between <!-- options:start --> and
// <!-- options:end -->) from the option table in src/cli/options.ts, as compiled
// in dist/ (npm run build first). test/cli/options-doc.test.ts checks they agree.
const fs = require('fs');
const path = require('path');

const README = path.join(__dirname, '..', 'README.md');
const { optionTablesMarkdown } = require('../dist/cli/options-doc.js');
const text = fs.readFileSync(README, 'utf8');
const start = '<!-- options:start -->';
const end = '<!-- options:end -->';
const a = text.indexOf(start);
const b = text.indexOf(end);
if (a < 0 || b < a) throw new Error(`README.md has no ${start} … ${end} block`);
fs.writeFileSync(README, `${text.slice(0, a + start.length)}\n${optionTablesMarkdown()}\n${text.slice(b)}`);
