/** The account shapes the UI sees live in shared/ (they cross the contract); core re-uses them. */
export {
  accountStates,
  type AccountIdentity,
  type AccountState,
  type AccountStatus,
  type PendingLogin,
} from '../../../shared/account';
import type { AccountStatus } from '../../../shared/account';

export type StatusListener = (status: AccountStatus) => void;
