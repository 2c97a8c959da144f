/**
 * tsdask/array: chunked n-dimensional arrays (everything @tsdask/array exports), with the
 * local schedulers and the dashboard option registered as by `import 'tsdask'`.
 */
import './register.js';

export * from '@tsdask/array';
