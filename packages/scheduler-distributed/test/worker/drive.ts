/** Test support for the worker machine's tests: apply stimuli by hand, validating after each. */
import type { WorkerInstruction, WorkerStateMachine, WorkerStimulus } from '@tsdask/scheduler-distributed';

/** Applies stimuli, validating after each, and returns all instructions. */
export function drive(m: WorkerStateMachine, ...stimuli: WorkerStimulus[]): WorkerInstruction[] {
  const out: WorkerInstruction[] = [];
  for (const s of stimuli) {
    out.push(...m.handle(s));
    m.validate();
  }
  return out;
}
