// Readies the test chain for the Maven build (generate-test-resources):
//  1. `npm ci --no-audit --no-fund` when node_modules was not installed from this package-lock.json
//     (a stamp with the lock file's hash says it was; npm ci alone would reinstall ~190 MB on every build);
//  2. compiles contracts/*.sol into the JSON file named on the command line, unless that is newer
//     than every source.
// Usage: node prepare.js <contracts.json>
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');

const out = process.argv[2];
if (!out) {
  console.error('usage: node prepare.js <contracts.json>');
  process.exit(2);
}
const here = __dirname;
const lock = fs.readFileSync(path.join(here, 'package-lock.json'));
const lockHash = crypto.createHash('sha256').update(lock).digest('hex');
const stamp = path.join(here, 'node_modules', '.dm3-installed-lock.sha256');
const installed = fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8').trim() === lockHash;
if (!installed) {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  execFileSync(npm, ['ci', '--no-audit', '--no-fund'], { cwd: here, stdio: 'inherit' });
  fs.writeFileSync(stamp, lockHash + '\n');
}

const inputs = [path.join(here, 'compile.js')].concat(
  fs.readdirSync(path.join(here, 'contracts')).filter((f) => f.endsWith('.sol')).map((f) => path.join(here, 'contracts', f)),
);
const newestInput = Math.max(...inputs.map((f) => fs.statSync(f).mtimeMs));
if (fs.existsSync(out) && fs.statSync(out).mtimeMs >= newestInput && installed) {
  console.log(`test contracts up to date: ${out}`);
} else {
  execFileSync(process.execPath, [path.join(here, 'compile.js'), out], { stdio: 'inherit' });
}
