// dependency-cruiser: the import rules of ../shared/design/ARCHITECTURE.md over packages/*/src,
// checked by `npm run deps`. Each rule's comment says which line of the architecture it keeps.
// (CommonJS because dependency-cruiser 17, the last for Node 20, loads its config by require.)

/** npm packages that do I/O: thread pools, servers, sockets, terminals, browsers. */
const NPM_IO = '^(node_modules/)?(piscina|fastify|@fastify/[^/]+|ws|undici|cli-progress|playwright-core)(/|$)';
/** A tsdask package, whether reached by name (node_modules/@tsdask/x) or resolved into packages/x. */
const pkg = (names) => `^(packages/(${names})/|node_modules/@tsdask/(${names})(/|$))`;

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'Import cycles: verbs build the next collection through the one they are given, never by importing the class (issue 12).',
      severity: 'error',
      from: { path: '^packages/[^/]+/src/' },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'core-graph-is-pure',
      comment: 'core-graph imports no scheduler, no collection, no dashboard: it is pure data and pure passes.',
      severity: 'error',
      from: { path: '^packages/core-graph/src/' },
      to: { path: pkg('scheduler-local|scheduler-distributed|array|dataframe|dashboard') },
    },
    {
      name: 'core-graph-no-io',
      comment: 'core-graph imports no I/O module (browser-ready); only its platform/ folder may use node:crypto.',
      severity: 'error',
      from: { path: '^packages/core-graph/src/', pathNot: '^packages/core-graph/src/platform/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'core-graph-platform-crypto-only',
      comment: "core-graph's platform/ folder (the part a browser build replaces) may use node:crypto and nothing else of Node's.",
      severity: 'error',
      from: { path: '^packages/core-graph/src/platform/' },
      to: { dependencyTypes: ['core'], pathNot: '^(node:)?crypto$' },
    },
    {
      name: 'core-graph-no-io-packages',
      comment: 'core-graph uses no thread pool, server or socket package.',
      severity: 'error',
      from: { path: '^packages/core-graph/src/' },
      to: { path: NPM_IO },
    },
    {
      name: 'collections-no-scheduler',
      comment: 'Collections (array, dataframe) find their scheduler through the registry of core-graph: they import no scheduler and no dashboard.',
      severity: 'error',
      from: { path: '^packages/(array|dataframe)/src/' },
      to: { path: pkg('scheduler-local|scheduler-distributed|dashboard') },
    },
    {
      name: 'collections-no-io-packages',
      comment: 'Collections use no thread pool, server or socket package (kernels reach workers by module specifier).',
      severity: 'error',
      from: { path: '^packages/(array|dataframe)/src/' },
      to: { path: NPM_IO },
    },
    {
      name: 'state-is-pure',
      comment: "The scheduler's state machine is pure: its state/ folder imports no Node built-in (threads, sockets, files, timers) and no piscina.",
      severity: 'error',
      from: { path: '^packages/scheduler-[^/]+/src/(worker/|scheduler/)?state/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'state-no-io-packages',
      comment: 'The state machine imports no thread pool, server or socket package.',
      severity: 'error',
      from: { path: '^packages/scheduler-[^/]+/src/(worker/|scheduler/)?state/' },
      to: { path: NPM_IO },
    },
    {
      name: 'schedulers-no-collection',
      comment:
        'Schedulers import core-graph, never a collection: kernels reach workers by module specifier. ' +
        "One exception: the distributed scheduler's dashboard shell serves @tsdask/dashboard in the scheduler process (a dynamic import, only when on).",
      severity: 'error',
      from: { path: '^packages/scheduler-[^/]+/src/', pathNot: '^packages/scheduler-distributed/src/scheduler/dashboard\\.ts$' },
      to: { path: pkg('array|dataframe|dashboard') },
    },
    {
      name: 'dashboard-no-collection',
      comment: 'The dashboard only consumes the event stream: it imports no collection and no scheduler.',
      severity: 'error',
      from: { path: '^packages/dashboard/src/' },
      to: { path: pkg('array|dataframe|scheduler-local|scheduler-distributed') },
    },
    {
      name: 'packages-by-name',
      comment: 'Packages import each other by package name (@tsdask/x), never by a relative path into another package.',
      severity: 'error',
      from: { path: '^packages/([^/]+)/' },
      to: { path: '^packages/', pathNot: '^packages/$1/', dependencyTypes: ['local'] },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import that resolves to nothing is a typo or a missing dependency.',
      severity: 'error',
      from: { path: '^packages/[^/]+/src/' },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    // Keep the names of packages reached by name (node_modules/@tsdask/x), so the rules see which package it is.
    preserveSymlinks: true,
    // Type-only imports count for the layer rules (a type is a dependency too) but not for cycles (no-circular's viaOnly).
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    moduleSystems: ['es6', 'cjs'],
    doNotFollow: { path: 'node_modules' },
    // The packages' own builds; the dashboard's browser page (its own tsconfig, no Node).
    exclude: { path: '^packages/[^/]+/dist/|^packages/dashboard/src/page/' },
    // Resolve subpath exports (`@zarrita/storage/fs`) as Node does for an ESM import.
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'node', 'default', 'types'], mainFields: ['module', 'main', 'types'] },
  },
};
