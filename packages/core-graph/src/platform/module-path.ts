/**
 * Module specifiers for `op()`: a relative path (`./helpers.mjs`) is resolved against the
 * working directory (a notebook's is the notebook's folder), an absolute path is made a
 * `file://` URL, and anything else (a URL, a package specifier) is kept as it is. Node's
 * `process.cwd()` is read through globalThis, so browsers load this module too (there a
 * relative path is resolved against the page's address).
 */

/** A `file://` URL of an absolute file path (POSIX or Windows), with the characters URLs reserve escaped. */
export function fileUrlOf(path: string): string {
  const slashed = path.replaceAll('\\', '/');
  const rooted = /^[A-Za-z]:\//.test(slashed) ? `/${slashed}` : slashed;
  return `file://${encodeURI(rooted).replaceAll('?', '%3F').replaceAll('#', '%23')}`;
}

function isAbsolutePath(s: string): boolean {
  return s.startsWith('/') || /^[A-Za-z]:[\\/]/.test(s);
}

/** The specifier a worker imports for `moduleRef`: relative and absolute paths become file URLs. */
export function moduleSpecifier(moduleRef: string): string {
  if (isAbsolutePath(moduleRef)) return fileUrlOf(moduleRef);
  if (!moduleRef.startsWith('./') && !moduleRef.startsWith('../')) return moduleRef;
  const proc = (globalThis as { process?: { cwd?: () => string } }).process;
  if (typeof proc?.cwd === 'function') return new URL(encodeURI(moduleRef).replaceAll('?', '%3F').replaceAll('#', '%23'), `${fileUrlOf(proc.cwd())}/`).href;
  const page = (globalThis as { location?: { href?: string } }).location?.href;
  if (page !== undefined) return new URL(moduleRef, page).href;
  throw new TypeError(`op('${moduleRef}', ...): a relative module path needs a working directory (Node) or a page address (browser); pass a URL`);
}
