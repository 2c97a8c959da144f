/** Test support for the worker machine's tests: apply stimuli by hand, validating after each. */
import type { SchedulerInstruction, WorkerInstruction, WorkerStateMachine, WorkerStimulus } from '@tsdask/scheduler-distributed';

/** Applies stimuli, validating after each, and returns all instructions. */
export function drive(m: WorkerStateMachine, ...stimuli: WorkerStimulus[]): WorkerInstruction[] {
  const out: WorkerInstruction[] = [];
  for (const s of stimuli) {
    out.push(...m.handle(s));
    m.validate();
  }
  return out;
}

/** The scheduler's compute-task / free-keys for `worker` among `out`, as that worker's stimuli. */
export function toWorker(out: readonly SchedulerInstruction[], worker: string, sid: string): WorkerStimulus[] {
  const stimuli: WorkerStimulus[] = [];
  for (const i of out) {
    if (i.type === 'free-keys' && i.worker === worker) stimuli.push({ type: 'free-keys', stimulusId: sid, keys: i.keys });
    if (i.type === 'compute-task' && i.worker === worker) {
      const inputs = Object.entries(i.whoHas).map(([key, whoHas]) => ({ key, whoHas }));
      stimuli.push({ type: 'compute-task', stimulusId: sid, key: i.key, op: `op-${i.key}`, priority: i.priority, inputs });
    }
  }
  return stimuli;
}

/** Instructions as short lines ('execute t', 'free-keys a,b'), for comparing sequences. */
export const brief = (ins: readonly WorkerInstruction[]) => ins.map((i) => `${i.type} ${'key' in i ? i.key : 'keys' in i ? i.keys.join(',') : ''}`.trim());
