/** Persistence helpers shared by every core module that keeps state on disk. */
export { openDatabase, SchemaTooNewError, type Migration, type SqliteDatabase } from './sqlite';
export { writeFileAtomic } from './atomic-file';
export { checkLocalPath, explainFsError, LocalPathError, writeUserFile } from './user-files';
