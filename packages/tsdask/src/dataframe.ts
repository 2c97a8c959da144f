/**
 * tsdask/dataframe: partitioned Arrow dataframes (everything @tsdask/dataframe exports), with
 * the local schedulers and the dashboard option registered as by `import 'tsdask'`.
 */
import './register.js';

export * from '@tsdask/dataframe';
