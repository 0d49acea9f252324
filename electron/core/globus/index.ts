/** Globus: sign-in, tokens and the Transfer service. The only public door of this folder. */
export { GlobusApiError, type TaskListQuery, type TransferService } from './transfer-port';
