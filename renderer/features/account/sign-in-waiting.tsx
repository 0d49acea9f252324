/** What a person can do while Globus' sign-in page is open: open it again, or give up. */
export function SignInWaitingActions({ loginUrl, onCancel }: { readonly loginUrl: string | null; readonly onCancel: () => void }) {
  return (
    <>
      {loginUrl && (
        <p>
          Nothing opened?{' '}
          <a href={loginUrl} target="_blank" rel="noopener noreferrer">
            Open the Globus sign-in page
          </a>
        </p>
      )}
      <button type="button" onClick={onCancel}>
        Cancel sign-in
      </button>
    </>
  );
}
