import { useEffect } from 'react';
import type { SyncJob } from '../../../shared/contract/syncs';
import { useAppStore } from '../../app/store-context';
import type { AppState } from '../../store/types';
import { formFromSyncJob } from './timer-form';
import './timers.css';

const reachOf = (id: string) => (s: AppState) => s.timers.reach[id.toLowerCase()];

/**
 * In a sync job's detail: "Run on Globus instead (Timer)". A sync scans a folder on this machine;
 * a Globus timer copies from the source collection by itself, which only helps when Globus reaches
 * that collection without this machine (a server collection, not this computer's Globus Connect
 * Personal). Opens the timer form prefilled with the job's route, interval, checks and filters.
 */
export function RunOnGlobusEntry({ job }: { job: SyncJob }) {
  const reach = useAppStore(reachOf(job.source.collectionId));
  const actions = useAppStore((s: AppState) => s.timers);
  useEffect(() => {
    void actions.lookUpCollection(job.source.collectionId);
  }, [actions, job.source.collectionId]);
  const local = reach === 'this-machine';
  return (
    <div className="tm-sync-entry">
      <button type="button" disabled={local} aria-describedby={`tm-sync-why-${job.id}`} onClick={() => actions.createFrom(formFromSyncJob(job))}>
        Run on Globus instead (Timer)
      </button>
      <p className="muted small" id={`tm-sync-why-${job.id}`}>
        {local
          ? 'Not possible for this job: its source collection is this computer\u2019s Globus Connect Personal, which Globus reaches only while this computer is on. Keep the sync here, or share the folder through a server collection.'
          : reach === 'globus'
            ? 'Globus reaches the source collection on its own: a timer copies the same folder on the same interval even while this computer is off (Globus compares files instead of this machine scanning them).'
            : 'A timer runs at Globus even while this computer is off, but only if Globus reaches the source collection without this computer (not Globus Connect Personal here).'}
      </p>
    </div>
  );
}
