// The pinned tool versions live in scripts/versions.sh; Trunk.toml and Cargo.lock must agree with
// it, or Trunk silently tries to download a matching wasm-bindgen from GitHub (and fails offline).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const read = (f) => readFileSync(path.join(root, f), 'utf8');
const pin = (name) => read('scripts/versions.sh').match(new RegExp(`^${name}=(\\S+)`, 'm'))[1];

test('Trunk.toml pins the same wasm-bindgen and wasm-opt as scripts/versions.sh', () => {
  const trunk = read('Trunk.toml');
  assert.equal(trunk.match(/^wasm_bindgen = "(.+)"/m)[1], pin('WASM_BINDGEN_VERSION'));
  assert.equal(trunk.match(/^wasm_opt = "version_(.+)"/m)[1], pin('WASM_OPT_VERSION'));
  assert.equal(trunk.match(/^trunk-version = "=(.+)"/m)[1], pin('TRUNK_VERSION'));
});

test('Cargo.lock resolves wasm-bindgen to the pinned CLI version', () => {
  const lock = read('Cargo.lock');
  const locked = lock.match(/name = "wasm-bindgen"\nversion = "(.+)"/)[1];
  assert.equal(locked, pin('WASM_BINDGEN_VERSION'));
});

test('the installed tools are the pinned ones', () => {
  const env = { ...process.env, PATH: `${process.env.HOME}/.cargo/bin:${process.env.PATH}` };
  assert.match(execFileSync('wasm-bindgen', ['--version'], { env }).toString(), new RegExp(`wasm-bindgen ${pin('WASM_BINDGEN_VERSION')}`));
  assert.match(execFileSync('trunk', ['--version'], { env }).toString(), new RegExp(`trunk ${pin('TRUNK_VERSION')}`));
  const wasmOpt = execFileSync(path.join(root, 'node_modules/binaryen/bin/wasm-opt'), ['--version']).toString();
  assert.match(wasmOpt, new RegExp(`version ${pin('WASM_OPT_VERSION')}`));
  // wasm-split-cli has no --version; cargo's install list says which crate version built it.
  assert.match(execFileSync('cargo', ['install', '--list'], { env }).toString(), new RegExp(`^wasm_split_cli_support v${pin('WASM_SPLIT_VERSION')}:`, 'm'));
});

test('package.json pins every npm package exactly', () => {
  const deps = JSON.parse(read('package.json')).dependencies;
  for (const [name, version] of Object.entries(deps)) assert.match(version, /^\d+\.\d+\.\d+$/, `${name}@${version}`);
});
