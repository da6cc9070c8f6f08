import { useState, type FormEvent } from "react";
import { ApiError } from "../api/api-error";
import { basicToken, type Credentials } from "../api/credentials";
import { ErrorMessage } from "../components/error-message";
import { useDocumentTitle } from "../hooks/use-document-title";
import { probeServer } from "../api/probe-server";

/**
 * Asks for what the server's 401 challenge names: an API key (`--api-key`) or a user and password
 * (`--auth-string USER:PASS`). Checked against the server before it is kept.
 */
export function LoginForm({ scheme, onSignedIn }: { scheme: Credentials["scheme"]; onSignedIn: (c: Credentials) => void }) {
  useDocumentTitle("Sign in");
  const [key, setKey] = useState("");
  const [user, setUser] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const credentials: Credentials = scheme === "Basic" ? { scheme, token: basicToken(user, password) } : { scheme, token: key.trim() };
    setBusy(true);
    setError(null);
    try {
      await probeServer(credentials);
      onSignedIn(credentials);
    } catch (err) {
      setError(
        err instanceof ApiError && err.status === 401
          ? new Error(scheme === "Basic" ? "The server did not accept this user and password." : "The server did not accept this API key.")
          : err,
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="center-card">
      <h1>Sign in to ecsflow</h1>
      <p className="muted">
        {scheme === "Basic"
          ? "This server requires the user and password it was started with (--auth-string)."
          : "This server requires the API key it was started with (--api-key)."}{" "}
        It is kept for this browser tab only.
      </p>
      <form onSubmit={submit} className="form">
        {scheme === "Basic" ? (
          <>
            <label>
              User
              <input name="user" autoComplete="username" required value={user} onChange={(e) => setUser(e.target.value)} />
            </label>
            <label>
              Password
              <input name="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
            </label>
          </>
        ) : (
          <label>
            API key
            <input name="api-key" type="password" autoComplete="current-password" required value={key} onChange={(e) => setKey(e.target.value)} />
          </label>
        )}
        <ErrorMessage error={error} />
        <button type="submit" className="primary" disabled={busy}>
          {busy ? "Checking…" : "Sign in"}
        </button>
      </form>
    </main>
  );
}
