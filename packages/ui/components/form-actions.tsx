/** The end of a small add-something form: the failure in words (announced), then submit and cancel. */
export function FormActions({ failure, busy, submitLabel, busyLabel, onCancel }: { failure: string | null | undefined; busy: boolean; submitLabel: string; busyLabel: string; onCancel: () => void }) {
  return (
    <>
      {failure && (
        <p className="error-message" role="alert">
          {failure}
        </p>
      )}
      <div className="page-actions">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? busyLabel : submitLabel}
        </button>
        <button type="button" onClick={onCancel} disabled={busy}>
          Cancel
        </button>
      </div>
    </>
  );
}
