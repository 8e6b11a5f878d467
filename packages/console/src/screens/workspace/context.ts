import { createContext, useContext } from 'react';
import type { RoleCluster } from '../../__generated__/graphql.ts';
import type { WorkspaceView } from './paths.ts';

/** What every view of a client's workspace knows: the client, its currency and time zone, the day chosen. */
export interface Workspace {
  slug: string;
  currency: string;
  timezone: string;
  role: RoleCluster | null | undefined;
  /** The day the statements are taken at (YYYY-MM-DD, the client's calendar); default its today. */
  date: string;
  /** The first day of the fiscal year `date` falls in (the calendar year's when none is known). */
  yearStart: string;
  view: WorkspaceView;
  search: URLSearchParams;
}

export const WorkspaceContext = createContext<Workspace | null>(null);

export function useWorkspace(): Workspace {
  const w = useContext(WorkspaceContext);
  if (!w) throw new Error('useWorkspace outside a client workspace');
  return w;
}

// What each role may do here, as packages/permissions grants it: in may.ts (no DOM, so the tests
// compare it with the server's package).
export {
  AUDIT_READERS,
  mayApplyCredit,
  mayExport,
  mayImportOpening,
  mayManageClient,
  mayReadAudit,
  mayRender,
  mayRunRecurring,
  mayVoidWriteOff,
  mayWriteOff,
} from './may.ts';
