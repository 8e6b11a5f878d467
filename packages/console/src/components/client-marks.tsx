/**
 * A sandbox client's and an archived client's marks (docs/console.md): a sandbox is a trial client
 * the firm may delete; an archived client's books are read-only. Nothing for a live client.
 */
export function ClientMarks({ sandbox, archived }: { sandbox: boolean; archived: boolean }) {
  return (
    <>
      {sandbox && (
        <span
          className="badge badge-sandbox"
          title="A sandbox client: a trial, left out of the firm's totals"
        >
          Sandbox
        </span>
      )}
      {archived && (
        <span className="badge badge-archived" title="Archived: its books are read-only">
          Archived
        </span>
      )}
    </>
  );
}
