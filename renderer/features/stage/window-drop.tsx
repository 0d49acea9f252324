import { useEffect, type ReactNode } from 'react';
import { useAppStore } from '../../app/store-context';
import { stageSelectors } from './stage-slice';
import './stage.css';

/**
 * The attribute of an element that takes dropped files itself (a collection pane sends them to its
 * folder): the window's target leaves a drag over it alone.
 */
export const LOCAL_DROP_ZONE = 'data-local-drop-zone';

function carriesFiles(event: DragEvent): boolean {
  return Array.from(event.dataTransfer?.types ?? []).includes('Files');
}

/** Whether the drag is over an element that takes dropped files itself. */
function overDropZone(event: DragEvent): boolean {
  return event.target instanceof Element && event.target.closest(`[${LOCAL_DROP_ZONE}]`) !== null;
}

/**
 * Wraps the whole window so files can be dropped anywhere: they are staged and the Stage opens.
 * A drop on an element marked LOCAL_DROP_ZONE (a collection pane) is that element's.
 */
export function WindowDropTarget({ children }: { children: ReactNode }) {
  const dragging = useAppStore(stageSelectors.dragging);
  const setDragging = useAppStore((s) => s.stage.setDragging);
  const stageFiles = useAppStore((s) => s.stage.stageFiles);

  useEffect(() => {
    let depth = 0;
    const enter = (event: DragEvent) => {
      if (!carriesFiles(event)) return;
      event.preventDefault();
      depth++;
      setDragging(!overDropZone(event));
    };
    const over = (event: DragEvent) => {
      if (!carriesFiles(event)) return;
      if (overDropZone(event)) {
        // The zone shows its own highlight and takes the drop.
        setDragging(false);
        return;
      }
      // Without this the browser would open the file instead of letting us have it.
      event.preventDefault();
      if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
      setDragging(true);
    };
    const leave = (event: DragEvent) => {
      if (!carriesFiles(event)) return;
      depth = Math.max(0, depth - 1);
      // Leaving the window (no related target) or the last nested element ends the drag.
      if (depth === 0 || event.relatedTarget === null) setDragging(false);
    };
    const drop = (event: DragEvent) => {
      const files = Array.from(event.dataTransfer?.files ?? []);
      depth = 0;
      setDragging(false);
      if (files.length === 0 || overDropZone(event)) return;
      event.preventDefault();
      void stageFiles(files);
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragover', over);
    window.addEventListener('dragleave', leave);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragover', over);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('drop', drop);
    };
  }, [setDragging, stageFiles]);

  return (
    <>
      {children}
      {dragging && (
        <div className="st-drop-overlay" role="status" aria-live="polite">
          <div className="st-drop-card">
            <strong>Drop files to stage them</strong>
            <span>They will be put through your connectors from the Stage.</span>
          </div>
        </div>
      )}
    </>
  );
}
