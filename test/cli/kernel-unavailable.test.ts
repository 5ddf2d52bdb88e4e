import { repoPath, runCli } from '../helpers/cli';
import { kernelName } from '../../src/models/kernels/wasm';

// A machine where the WebAssembly kernel cannot be had (installed without
// AssemblyScript, or a Node without WebAssembly SIMD): gmm-fit falls back to
// the TypeScript kernel by itself, and only an explicit --kernel wasm is an error.
// The built module is replaced by bytes that are not WebAssembly, as a failed build would leave.
jest.mock('../../dist/wasm/estep.js', () => Buffer.from('not a WebAssembly module'));

const TOY = repoPath('data', 'toy.txt');

test('the default falls back to the TypeScript kernel, with the same numbers', async () => {
  expect(kernelName()).toBe('js');
  const r = await runCli([TOY, '--k', '3', '--seed', '0', '--json']);
  expect(r.code).toBe(0);
  // The course's published check for K=3, seed 0: first E-step LL −1388.0818 (test/fit/toy.test.ts).
  expect(JSON.parse(r.stdout).fits[0].trace[0].toFixed(4)).toBe('-1388.0818');
});

test('--kernel wasm is a usage error naming the way out', async () => {
  const r = await runCli([TOY, '--k', '3', '--kernel', 'wasm']);
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).toBe('gmm-fit: error: --kernel wasm: the WebAssembly kernel is not available here (not built, or this Node has no WebAssembly SIMD); use --kernel js\n');
});
