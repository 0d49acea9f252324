import { useEffect, useState } from 'react';
import { formatBytes, formatExact, formatNumber } from '../../../shared/format';
import { useAppStore } from '../../app/store-context';
import { downloadText } from './sync-status';
import { runFilesPageSize, syncsSelectors } from './syncs-slice';

/** How long typing rests before the search is asked for. */
const SEARCH_PAUSE_MS = 250;

/** The files the open run sent (path, size, mtime, task), a page at a time, searchable, exportable as CSV. */
export function RunFiles() {
  const openRunId = useAppStore(syncsSelectors.openRunId);
  const runs = useAppStore(syncsSelectors.runs);
  const files = useAppStore(syncsSelectors.files);
  const search = useAppStore(syncsSelectors.filesSearch);
  const loading = useAppStore(syncsSelectors.filesLoading);
  const busy = useAppStore(syncsSelectors.busy);
  const actions = useAppStore(syncsSelectors.actions);
  // the parent keys this by run: a run opened starts with its own search box
  const [typed, setTyped] = useState(search);

  useEffect(() => {
    if (!openRunId || typed === search) return;
    const t = setTimeout(() => void actions.loadFiles(openRunId, typed, 0), SEARCH_PAUSE_MS);
    return () => clearTimeout(t);
  }, [typed, search, openRunId, actions]);

  if (!openRunId) return null;
  const run = runs.find((r) => r.id === openRunId);
  const name = run?.label ?? 'this run';
  const from = files ? files.offset : 0;
  const to = files ? files.offset + files.files.length : 0;
  const exporting = busy[`export-files:${openRunId}`] === true;
  return (
    <section className="sy-sub-panel" aria-labelledby="sy-files-title">
      <div className="sy-bar">
        <h3 id="sy-files-title">Files sent by {name}</h3>
        <div className="sy-row-actions">
          <button
            type="button"
            disabled={exporting || !files || files.total === 0}
            onClick={() => {
              void actions.exportFiles(openRunId).then((file) => {
                if (file) downloadText(file.text, file.fileName, 'text/csv');
              });
            }}
          >
            {exporting ? 'Exporting…' : 'Export CSV'}
          </button>
        </div>
      </div>
      <div className="sy-files-bar">
        <input type="search" className="sy-search" aria-label="Search files" placeholder="Search paths" value={typed} onChange={(e) => setTyped(e.target.value)} />
        <span className="sy-sub" role="status" aria-live="polite">
          {!files
            ? loading
              ? 'Loading files…'
              : ''
            : files.sent === 0
              ? 'This run sent no files.'
              : files.total === 0
                ? `No file matches "${search}" (of ${formatNumber(files.sent)} sent).`
                : `${formatNumber(from + 1)}–${formatNumber(to)} of ${formatNumber(files.total)}${
                    search.trim() ? ` matching "${search.trim()}" (of ${formatNumber(files.sent)} sent)` : ' files sent'
                  }`}
        </span>
      </div>
      {files && files.files.length > 0 && (
        <table className="sy-table sy-compact" aria-label="Files sent">
          <thead>
            <tr>
              <th scope="col">File</th>
              <th scope="col">Size</th>
              <th scope="col">Modified</th>
              <th scope="col">Task</th>
            </tr>
          </thead>
          <tbody>
            {files.files.map((f) => (
              <tr key={f.path}>
                <td className="mono">{f.path}</td>
                <td className="sy-nowrap">{formatBytes(f.size)}</td>
                <td className="sy-nowrap">{formatExact(f.mtime)}</td>
                <td className="mono">{f.taskId}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {files && files.total > runFilesPageSize && (
        <div className="sy-pager">
          <button type="button" disabled={loading || from === 0} onClick={() => void actions.loadFiles(openRunId, search, Math.max(0, from - runFilesPageSize))}>
            Previous page
          </button>
          <button type="button" disabled={loading || to >= files.total} onClick={() => void actions.loadFiles(openRunId, search, to)}>
            Next page
          </button>
        </div>
      )}
    </section>
  );
}
