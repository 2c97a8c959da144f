// The public API of every package, one api-extractor report per export of its package.json
// (`etc/<package>.api.md` for ".", `etc/<package>-<subpath>.api.md` for "./kernels" ...), read
// from the built declarations (run `npm run build` first).
//   node scripts/api-report.mjs          writes the reports (npm run api)
//   node scripts/api-report.mjs --check  fails when a report differs from the API (npm run api:check)
// api-extractor takes one entry point per run, so the subpath exports are one run each.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Extractor, ExtractorConfig } from '@microsoft/api-extractor';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const check = process.argv.includes('--check');
const reportFolder = join(root, 'etc');
mkdirSync(reportFolder, { recursive: true });
const temp = mkdtempSync(join(tmpdir(), 'tsdask-api-'));

/** Every (package, export) pair: its report name and the declaration file of its entry point. */
function entryPoints() {
  const out = [];
  for (const dir of readdirSync(join(root, 'packages')).sort()) {
    const folder = join(root, 'packages', dir);
    const pkg = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8'));
    for (const [subpath, target] of Object.entries(pkg.exports ?? {})) {
      const types = typeof target === 'string' ? target.replace(/\.js$/, '.d.ts') : target.types;
      const name = subpath === '.' ? dir : `${dir}-${subpath.replace(/^\.\//, '').replaceAll('/', '-')}`;
      out.push({ folder, name, types: join(folder, types) });
    }
  }
  return out;
}

let failed = 0;
for (const { folder, name, types } of entryPoints()) {
  const config = ExtractorConfig.prepare({
    configObject: {
      projectFolder: folder,
      mainEntryPointFilePath: types,
      compiler: { tsconfigFilePath: join(folder, 'tsconfig.json') },
      apiReport: { enabled: true, reportFolder, reportTempFolder: temp, reportFileName: name },
      docModel: { enabled: false },
      dtsRollup: { enabled: false },
      tsdocMetadata: { enabled: false },
      messages: {
        // Release tags (@public, @beta) and TSDoc syntax are not house habits; the report lists the API either way.
        extractorMessageReporting: { default: { logLevel: 'none' } },
        tsdocMessageReporting: { default: { logLevel: 'none' } },
        compilerMessageReporting: { default: { logLevel: 'error' } },
      },
    },
    configObjectFullPath: undefined,
    packageJsonFullPath: join(folder, 'package.json'),
  });
  const result = Extractor.invoke(config, { localBuild: !check, showVerboseMessages: false, messageCallback: quiet });
  if (!result.succeeded || (check && result.apiReportChanged)) {
    failed++;
    console.error(`api: etc/${name}.api.md ${result.apiReportChanged ? 'differs from the API: run `npm run api` and commit it' : 'failed'}`);
  } else console.log(`api: etc/${name}.api.md ${result.apiReportChanged ? 'updated' : 'unchanged'}`);
}
rmSync(temp, { recursive: true, force: true });
if (failed > 0) process.exit(1);

/** Keeps api-extractor's own progress lines out of the output; warnings and errors still print. */
function quiet(message) {
  if (message.logLevel === 'info' || message.logLevel === 'verbose') message.handled = true;
}
