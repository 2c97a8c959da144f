/**
 * Helpers shared by the fault tests: a temp folder per test file, and the errors a failed
 * compute carries (a failed task wraps the worker's error in its `cause` chain).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

/** A temp folder made now and removed after the test file, and `file(name, text)` to write into it. */
export function faultFiles(prefix: string): { dir: string; file: (name: string, text: string | Uint8Array) => string } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return {
    dir,
    file(name, text) {
      const p = join(dir, name);
      writeFileSync(p, text);
      return p;
    },
  };
}

/** The cause chain of an error, outermost first. */
export function chain(err: unknown): unknown[] {
  const out: unknown[] = [];
  for (let e = err; e !== undefined && e !== null; e = (e as { cause?: unknown }).cause) out.push(e);
  return out;
}

/** What `p` rejects with; throws when it resolves. */
export async function failure(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a failure');
}

/** The first error of class `cls` in the cause chain of `err`. */
export function find<T>(err: unknown, cls: new (...a: never[]) => T): T {
  const hit = chain(err).find((e) => e instanceof cls);
  if (hit === undefined) throw new Error(`no ${cls.name} in the chain of ${String(err)}`);
  return hit as T;
}
