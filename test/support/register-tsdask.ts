/**
 * vitest setupFiles entry: every test file starts as a user's program does, with
 * `import 'tsdask'`, which announces the local schedulers and the dashboard option as lazy
 * loaders. Tests that import nothing but a collection package still compute on 'threads'.
 */
import 'tsdask';
