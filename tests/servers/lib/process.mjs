// Child-process helpers for tests: free ports, start a server and wait for its ready line, stop it by PID.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';

/** A port that was free on 127.0.0.1 a moment ago (the OS picks it; no fixed ports in tests). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// Children still running when this process exits (a failed test, an uncaught error) are killed,
// so no redis-server or daphne outlives the test that started it.
const live = new Set();
process.on('exit', () => live.forEach((c) => c.kill('SIGKILL')));

/**
 * Spawns `cmd args` and resolves once a stdout/stderr line matches `ready` (a RegExp), with
 * {child, output(), stop()}. Rejects with the output so far if it exits or times out first.
 */
export function startProcess(cmd, args, { env = {}, cwd, ready, timeoutMs = 20000, name = cmd } = {}) {
  const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  live.add(child);
  const exited = new Promise((resolve) =>
    child.once('exit', (code, signal) => {
      live.delete(child);
      resolve({ code, signal });
    }));
  const handle = {
    child,
    output: () => out,
    exited,
    /** SIGTERM by PID, then SIGKILL if it has not gone within `graceMs`. Resolves with the exit status. */
    async stop(graceMs = 5000) {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const status = await exited;
      clearTimeout(timer);
      return status;
    },
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      handle.stop();
      reject(new Error(`${name} not ready after ${timeoutMs} ms:\n${out}`));
    }, timeoutMs);
    const onData = (chunk) => {
      out += chunk;
      if (ready.test(out)) {
        clearTimeout(timer);
        resolve(handle);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code ?? signal}) before it was ready:\n${out}`));
    });
  });
}
