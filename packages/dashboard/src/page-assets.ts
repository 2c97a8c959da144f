/**
 * The page's compiled scripts (dist/browser, built by tsconfig.page.json): found once when the
 * plugin is registered and served from memory by exact name, so no request path ever reaches
 * the file system.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PageNotBuiltError } from './errors.js';

/** Relative path ('page/main.js') -> file contents. */
export type PageAssets = ReadonlyMap<string, Buffer>;

/** The folder holding the compiled page scripts, beside this module's own compiled file. */
export function defaultAssetDir(): string {
  return fileURLToPath(new URL('./browser/', import.meta.url));
}

/** Loads every .js file under `dir`; throws PageNotBuiltError when the entry script is missing. */
export function loadPageAssets(dir = defaultAssetDir()): PageAssets {
  const out = new Map<string, Buffer>();
  const walk = (sub: string): void => {
    for (const name of readdirSync(join(dir, sub))) {
      const rel = sub === '' ? name : `${sub}/${name}`;
      const abs = join(dir, rel);
      if (statSync(abs).isDirectory()) walk(rel);
      else if (name.endsWith('.js')) out.set(rel, readFileSync(abs));
    }
  };
  try {
    walk('');
  } catch (cause) {
    throw new PageNotBuiltError(dir, cause);
  }
  if (!out.has('page/main.js')) throw new PageNotBuiltError(dir);
  return out;
}
