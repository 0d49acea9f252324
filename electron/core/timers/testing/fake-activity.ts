/**
 * Activity as the Timers capability uses it (`detail(taskId)`), for tests: answers with the shape
 * ActivityService.detail gives (`{ row, task, … }`) from task documents a test sets, and counts reads.
 */
import { GlobusApiError } from '../../globus';

export interface FakeTask {
  readonly status: 'ACTIVE' | 'INACTIVE' | 'SUCCEEDED' | 'FAILED';
  readonly files_transferred: number;
  readonly bytes_transferred: number;
}

export interface FakeActivity {
  readonly activity: { detail(taskId: string): Promise<unknown> };
  /** Task documents by task id (lower case); a task not here answers 404 like Globus. */
  readonly tasks: Map<string, FakeTask>;
  /** Every task id read, in order. */
  readonly reads: string[];
  /** How many times this task was read. */
  readsOf(taskId: string): number;
}

export function fakeActivity(): FakeActivity {
  const tasks = new Map<string, FakeTask>();
  const reads: string[] = [];
  return {
    tasks,
    reads,
    readsOf: (taskId) => reads.filter((r) => r === taskId.toLowerCase()).length,
    activity: {
      async detail(taskId: string) {
        reads.push(taskId.toLowerCase());
        const task = tasks.get(taskId.toLowerCase());
        if (!task) throw new GlobusApiError({ code: 'TaskNotFound', status: 404, message: `Task ${taskId} is not in the history and Globus does not know it.` });
        const doc = { DATA_TYPE: 'task', task_id: taskId, type: 'TRANSFER', ...task };
        return { row: { task_id: taskId, ...task }, task: doc, stale: false, submission: null, canResubmit: true };
      },
    },
  };
}
