import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { codeSite, fileUrlOf, NotPortableError, op, portableAdvice } from '@tsdask/core-graph';

describe('op() module references', () => {
  it('resolves a relative path against the working directory, as Node would name the file', () => {
    expect(op('./helpers.mjs', 'scale').module).toBe(pathToFileURL(resolve('helpers.mjs')).href);
    expect(op('../up/h.mjs', 'f').module).toBe(pathToFileURL(resolve('../up/h.mjs')).href);
  });

  it('turns an absolute path into a file URL and keeps URLs and package names', () => {
    expect(op('/srv/a b/#x?.mjs', 'f').module).toBe('file:///srv/a%20b/%23x%3F.mjs');
    expect(op('file:///srv/m.mjs', 'f').module).toBe('file:///srv/m.mjs');
    expect(op('@tsdask/array/kernels', 'add').opId).toBe('@tsdask/array/kernels#add');
    expect(fileUrlOf('C:\\work\\my notebooks\\h.mjs')).toBe('file:///C:/work/my%20notebooks/h.mjs');
  });

  it('refuses an empty module or export name with a TypeError that says which', () => {
    expect(() => op('', 'f')).toThrow(/module must be/);
    expect(() => op('./h.mjs', '')).toThrow(/export name/);
  });
});

describe('NotPortableError advice', () => {
  it('fits where the code runs', () => {
    expect(portableAdvice('scale', 'notebook')).toContain("op('./helpers.mjs', 'scale')");
    expect(portableAdvice('scale', 'notebook')).not.toContain('import.meta');
    expect(portableAdvice('scale', 'typescript')).toContain('not .ts');
    expect(portableAdvice('scale', 'commonjs')).toContain("op(__filename, 'scale')");
    expect(portableAdvice('scale', 'module')).toContain("op(import.meta.url, 'scale')");
    // a name that is not an identifier (an anonymous function's source) is not pasted into code
    expect(portableAdvice('(v) => v * k', 'module')).toContain("op(import.meta.url, 'myFunction')");
  });

  it("detects a notebook by tslab's global", () => {
    const g = globalThis as { __tslab__?: unknown };
    g.__tslab__ = {};
    try {
      expect(codeSite()).toBe('notebook');
      expect(new NotPortableError('scale', 'it uses k').message).toContain("op('./helpers.mjs', 'scale')");
    } finally {
      delete g.__tslab__;
    }
    expect(codeSite()).not.toBe('notebook');
  });
});
