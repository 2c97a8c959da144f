import '@tsdask/scheduler-local';
import { describeSchedulerSpec } from '../../../test/support/scheduler-spec.js';

describeSchedulerSpec('sync');
describeSchedulerSpec('threads');
describeSchedulerSpec('threads', { batchSize: 1, numWorkers: 3 });
