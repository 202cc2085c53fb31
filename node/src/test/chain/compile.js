// Compiles contracts/*.sol with solc-js into one JSON file: {ContractName: {abi, bytecode}}.
// Usage: node compile.js <output.json>
'use strict';
const fs = require('fs');
const path = require('path');
const solc = require('solc');

const out = process.argv[2];
if (!out) {
  console.error('usage: node compile.js <output.json>');
  process.exit(2);
}
const dir = path.join(__dirname, 'contracts');
const sources = {};
for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.sol')).sort()) {
  sources[file] = { content: fs.readFileSync(path.join(dir, file), 'utf8') };
}
const input = {
  language: 'Solidity',
  sources,
  settings: {
    // ganache 7.9 runs up to Shanghai; paris keeps PUSH0 and Cancun opcodes out of the bytecode.
    evmVersion: 'paris',
    optimizer: { enabled: true, runs: 200 },
    outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
  },
};
const output = JSON.parse(solc.compile(JSON.stringify(input)));
const errors = (output.errors || []).filter((e) => e.severity === 'error');
for (const e of output.errors || []) {
  console.error(e.formattedMessage);
}
if (errors.length > 0) {
  process.exit(1);
}
const contracts = {};
for (const file of Object.keys(output.contracts)) {
  for (const [name, c] of Object.entries(output.contracts[file])) {
    if (c.evm.bytecode.object.length > 0) {
      contracts[name] = { abi: c.abi, bytecode: '0x' + c.evm.bytecode.object };
    }
  }
}
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, JSON.stringify(contracts, null, 1));
console.log(`compiled ${Object.keys(contracts).sort().join(', ')} into ${out}`);
