/**
 * The advice of NotPortableError, fitted to where the user's code runs, since the usual fix
 * (`op(import.meta.url, ...)`) cannot be written everywhere: a tslab notebook compiles cells to
 * CommonJS (no import.meta, no module file of its own), a TypeScript runner (tsx, ts-node)
 * runs .ts files that worker threads do not load, and CommonJS has `__filename` instead.
 */

/** Where the user's code runs, as far as this process can tell. */
export type CodeSite = 'notebook' | 'typescript' | 'commonjs' | 'module';

/** Detects the site: tslab's global, then the main script's extension and the loader flags. */
export function codeSite(): CodeSite {
  const g = globalThis as { __tslab__?: unknown; process?: { argv?: string[]; execArgv?: string[] } };
  if (g.__tslab__ !== undefined) return 'notebook';
  const main = g.process?.argv?.[1] ?? '';
  const flags = (g.process?.execArgv ?? []).join(' ');
  if (/\.[cm]?tsx?$/.test(main) || /\btsx\b|ts-node/.test(flags)) return 'typescript';
  if (/\.cjs$/.test(main)) return 'commonjs';
  return 'module';
}

/** What to do about a function that cannot travel, as one sentence for `site`. */
export function portableAdvice(name: string, site: CodeSite = codeSite()): string {
  const ident = /^[A-Za-z_$][\w$]*$/.test(name) ? name : 'myFunction';
  const sync = "or compute with { scheduler: 'sync' } (this thread: closures work)";
  switch (site) {
    case 'notebook':
      return (
        `In a notebook, make it self-contained (no free variables), or put it in a module file beside the notebook ` +
        `(helpers.mjs: \`export function ${ident}(...) {...}\`) and pass op('./helpers.mjs', '${ident}') ` +
        `(a relative path is resolved against the working directory); ${sync}.`
      );
    case 'typescript':
      return (
        `Make it self-contained (no free variables), or export it from a JavaScript module (helpers.mjs, or your compiled .js) ` +
        `and pass op('./helpers.mjs', '${ident}') (worker threads load JavaScript, not .ts; a relative path is resolved against the working directory); ${sync}.`
      );
    case 'commonjs':
      return `Make it self-contained (no free variables), or export it (\`exports.${ident} = ${ident}\`) and pass op(__filename, '${ident}'); ${sync}.`;
    default:
      return `Make it self-contained (no free variables), or export it from a module and pass op(import.meta.url, '${ident}') (or op('./module.mjs', '${ident}'), a path resolved against the working directory); ${sync}.`;
  }
}
