#!/usr/bin/env node
'use strict';
const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  process.stderr.write(
    `segment-sync needs Node.js 22 or newer (this is ${process.version}). ` +
      'Run it through npm (npm run demo, npx segment-sync), which uses the Node 22 the project installs.\n',
  );
  process.exit(1);
}
require('../dist/src/cli.js').main();
