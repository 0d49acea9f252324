/** The "Send files" form's parsing and checks, as pure functions. */
export interface CollectionChoice {
  readonly id: string;
  readonly name: string | null;
}

/** Splits the paths box: one path per line, blank lines ignored. */
export function parsePaths(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
}

/** What is wrong with the form, field by field (null when it can be sent). */
export function validateSend(input: {
  source: CollectionChoice | null;
  paths: readonly string[];
  destination: CollectionChoice | null;
  folder: string;
}): { source?: string; paths?: string; destination?: string; folder?: string } | null {
  const errors: { source?: string; paths?: string; destination?: string; folder?: string } = {};
  if (!input.source) errors.source = 'Choose the collection the files are on (search by name, or paste its id or link).';
  if (input.paths.length === 0) errors.paths = 'Name at least one file or folder, one per line.';
  const bad = input.paths.find((p) => !p.startsWith('/'));
  if (bad !== undefined) errors.paths = `${bad}: paths start with / (the root of the collection).`;
  if (!input.destination) errors.destination = 'Choose the collection to send to.';
  if (!input.folder.trim().startsWith('/')) errors.folder = 'The destination folder starts with / (e.g. /incoming/).';
  return Object.keys(errors).length > 0 ? errors : null;
}
