import { formatBytes, formatCount } from '../../../shared/format';
import { useAppStore } from '../../app/store-context';
import { collectionsSelectors } from './collections-slice';

const PREVIEW_ROWS = 50;

export function PreviewPanel() {
  const preview = useAppStore(collectionsSelectors.preview);
  if (!preview) return null;
  if (preview.loading || !preview.result) return <p className="muted">Listing both sides…</p>;
  const r = preview.result;
  const atLeast = r.truncated ? 'at least ' : '';
  return (
    <section className="transfer-preview" aria-label="Transfer preview">
      <p>
        Would copy {atLeast}
        <strong>{formatCount(r.copyCount, 'file')}</strong> ({formatBytes(r.copyBytes)})
        {r.unchangedCount > 0 && <>, skip {formatCount(r.unchangedCount, 'file')} already matching</>}
        {r.removeCount > 0 && (
          <>
            , and delete {atLeast}
            <strong>{formatCount(r.removeCount, 'item')}</strong> ({formatBytes(r.removeBytes)}) at the destination
          </>
        )}
        .
      </p>
      <p className="muted small">
        From listings of both sides taken just now{r.truncated ? ', stopped at a limit' : ''}. Globus decides the final set when the task runs.
      </p>
      <div className="preview-lists">
        {r.remove.length > 0 && (
          <div>
            <strong>Deleted</strong>
            <ul className="mono small" aria-label="Would be deleted">
              {r.remove.slice(0, PREVIEW_ROWS).map((f) => (
                <li key={f.path}>
                  {f.path}
                  {f.type === 'dir' ? '/' : ''}
                </li>
              ))}
              {r.removeCount > PREVIEW_ROWS && <li className="muted">and {formatCount(r.removeCount - PREVIEW_ROWS)} more</li>}
            </ul>
          </div>
        )}
        {r.copy.length > 0 && (
          <div>
            <strong>Copied</strong>
            <ul className="mono small" aria-label="Would be copied">
              {r.copy.slice(0, PREVIEW_ROWS).map((f) => (
                <li key={f.path}>
                  {f.path} <span className="muted">{formatBytes(f.size)}</span>
                </li>
              ))}
              {r.copyCount > PREVIEW_ROWS && <li className="muted">and {formatCount(r.copyCount - PREVIEW_ROWS)} more</li>}
            </ul>
          </div>
        )}
      </div>
    </section>
  );
}

