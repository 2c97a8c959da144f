/**
 * The notebook test's set-up: Debian's Jupyter tools (installed by scripts/ensure-system-deps.sh,
 * which `npm test` runs first; run again here when missing), tslab from npm installed in a
 * folder of its own (node_modules/.cache/tsdask-tslab: never the checkout's node_modules, where
 * its TypeScript 5.0 would replace the project's tsc), and the kernel registered in a temp
 * JUPYTER_PATH. Also checks our declarations with tslab's TypeScript, as tslab compiles cells.
 * Where apt or the npm registry cannot supply the tools, `ok` is false and it says so loudly.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The tslab release the notebook is checked with. */
export const TSLAB_VERSION = '1.0.22';

export interface TslabKernel {
  ok: boolean;
  /** Environment for nbconvert: JUPYTER_PATH naming the registered kernel. */
  env: Record<string, string>;
  /** The TypeScript version tslab compiles cells with. */
  typescriptVersion: string;
  /** Type-checks a CommonJS file importing every public entry point with tslab's TypeScript; the diagnostics as text. */
  checkDeclarations(): string[];
  /** Removes the temp kernel registration. */
  dispose(): void;
}

const ENTRY_POINTS = [
  'tsdask',
  'tsdask/array',
  'tsdask/dataframe',
  '@tsdask/core-graph',
  '@tsdask/array',
  '@tsdask/dataframe',
  '@tsdask/runtime',
  '@tsdask/scheduler-local',
  '@tsdask/scheduler-distributed',
  '@tsdask/dashboard',
];

function skipped(why: string): TslabKernel {
  console.warn(`\n!!! ${why}: the tslab notebook test is SKIPPED !!!\n`);
  return { ok: false, env: {}, typescriptVersion: '', checkDeclarations: () => [], dispose: () => {} };
}

function haveJupyter(): boolean {
  if (!existsSync('/usr/bin/jupyter-nbconvert')) return false;
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import ipykernel, jupyter_client, nbconvert'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Installs (once; cached under node_modules/.cache) and registers tslab; synchronous so the test can decide to skip. */
export function prepareTslab(root: string): TslabKernel {
  if (!haveJupyter()) {
    execFileSync('bash', [join(root, 'scripts', 'ensure-system-deps.sh')], { stdio: 'inherit' });
    if (!haveJupyter()) return skipped("Debian's jupyter-nbconvert, python3-ipykernel or jupyter-client is missing and could not be installed");
  }
  const home = join(root, 'node_modules', '.cache', 'tsdask-tslab');
  const pkg = join(home, 'node_modules', 'tslab', 'package.json');
  const installed = existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version === TSLAB_VERSION;
  if (!installed) {
    mkdirSync(home, { recursive: true });
    writeFileSync(
      join(home, 'package.json'),
      `${JSON.stringify({ private: true, description: 'tslab for the notebook test, apart from the checkout', dependencies: { tslab: TSLAB_VERSION } }, null, 2)}\n`,
    );
    try {
      execFileSync('npm', ['install', '--prefix', home, '--no-audit', '--no-fund', '--loglevel=error'], {
        stdio: ['ignore', 'ignore', 'inherit'],
        timeout: 180_000,
      });
    } catch (e) {
      return skipped(`tslab@${TSLAB_VERSION} could not be installed from the npm registry (${(e as Error).message.split('\n')[0]})`);
    }
  }
  const tslab = join(home, 'node_modules', '.bin', 'tslab');
  const prefix = mkdtempSync(join(tmpdir(), 'tsdask-jupyter-'));
  execFileSync(tslab, ['install', '--python', '/usr/bin/python3', '--binary', tslab, '--prefix', prefix], { stdio: 'ignore' });
  const ts = createRequire(join(home, 'node_modules', 'tslab', 'package.json'))('@tslab/typescript-for-tslab') as typeof import('typescript');
  return {
    ok: true,
    env: { JUPYTER_PATH: join(prefix, 'share', 'jupyter') },
    typescriptVersion: ts.version,
    checkDeclarations: () => checkDeclarations(ts, root),
    dispose: () => rmSync(prefix, { recursive: true, force: true }),
  };
}

/** Compiles a file importing every entry point as tslab does (CommonJS, Node10 resolution, strict), checking our .d.ts files. */
function checkDeclarations(ts: typeof import('typescript'), root: string): string[] {
  const dir = mkdtempSync(join(root, 'node_modules', '.cache', 'tsdask-ts50-'));
  try {
    const file = join(dir, 'cell.ts');
    writeFileSync(file, ENTRY_POINTS.map((p, i) => `import * as m${i} from '${p}';\nexport const t${i} = typeof m${i};`).join('\n'));
    const program = ts.createProgram([file], {
      module: ts.ModuleKind.CommonJS,
      moduleResolution: ts.ModuleResolutionKind.Node10,
      target: ts.ScriptTarget.ES2022,
      lib: ['lib.es2022.d.ts'], // as tslab: no DOM
      strict: true,
      noEmit: true,
      skipLibCheck: false,
      esModuleInterop: true,
      types: ['node'],
      typeRoots: [join(root, 'node_modules', '@types')],
    });
    return ts.getPreEmitDiagnostics(program).map((d) => {
      const where = d.file && d.start !== undefined ? `${d.file.fileName}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1}: ` : '';
      return `${where}${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
