import { useId, useRef, type ChangeEvent } from 'react';

/** Saves text as a file through the browser's download (works in Electron and in serve mode). */
export function downloadText(text: string, filename: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** A labelled file input that hands the picked file's text to `onText` (the JSON text crosses, not a path). */
export function ImportJsonButton({ label, onText }: { label: string; onText: (text: string) => void | Promise<unknown> }) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const picked = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    if (!file) return;
    const text = await file.text();
    await onText(text);
    if (input.current) input.current.value = '';
  };
  return (
    <span className="cn-file-button">
      <label htmlFor={id} className="cn-button-like">
        {label}
      </label>
      <input ref={input} id={id} type="file" accept=".json,application/json" className="visually-hidden" onChange={(e) => void picked(e)} />
    </span>
  );
}
