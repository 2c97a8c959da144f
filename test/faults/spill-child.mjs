// A child process for the spill signal tests (test/faults/spill.test.ts). It runs a compute on
// 'sync' that spills into argv[3] and prints 'spilled' at its first spill; each task sleeps
// 100 ms, so a signal sent then arrives mid-compute. Modes (argv[2]):
//   handler    the program has its own SIGINT handler that lets the work finish: it prints
//              'sigint' when the signal comes, then 'ok <sum>' (or 'error <message>') at the end
//   plain      no handler of its own (Node's default: the signal ends the process)
import { compute, delayed } from '@tsdask/core-graph';
import '@tsdask/scheduler-local';

const [mode, spillDir] = process.argv.slice(2);
if (mode === 'handler') process.on('SIGINT', () => console.log('sigint'));

const N = 125_000; // 1 MB a part
const make = delayed(
  (i) => {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
    return Float64Array.from({ length: N }, (_, j) => i + j);
  },
  { name: 'make' },
);
const parts = Array.from({ length: 16 }, (_, i) => make(i));
let said = false;
const callbacks = [
  {
    event: (e) => {
      if (e.type === 'spill' && !said) {
        said = true;
        console.log('spilled');
      }
    },
  },
];
compute(...parts, { scheduler: 'sync', memoryLimit: '4MB', spillDir, callbacks }).then(
  (got) => {
    let sum = 0;
    for (const a of got) sum += a[0] + a[N - 1];
    console.log(`ok ${sum}`);
  },
  (err) => {
    console.log(`error ${err.name}: ${err.message}`);
    process.exitCode = 1;
  },
);
