import { useCallback, useEffect, useState, type ReactNode } from "react";
import { onUnauthorized } from "../api/api-client";
import { ApiError } from "../api/api-error";
import { loadCredentials, saveCredentials, type Credentials } from "../api/credentials";
import { probeServer } from "../api/probe-server";
import { ErrorMessage } from "../components/error-message";
import { Loading } from "../components/loading";
import { AuthContext } from "./auth-context";
import { LoginForm } from "./login-form";

type Status = { kind: "checking" } | { kind: "ok" } | { kind: "login"; scheme: Credentials["scheme"] } | { kind: "unreachable"; error: unknown };

/** A `WWW-Authenticate: Basic …` challenge asks for user and password; anything else for an API key. */
const schemeOf = (challenge: string | null): Credentials["scheme"] => (challenge && /^basic/i.test(challenge) ? "Basic" : "Bearer");

/** Shows the app when the API answers, a login prompt when it asks for credentials. */
export function AuthGate({ children }: { children: ReactNode }) {
  // Optimistic: pages start their requests at once instead of after a probe's round trip; the
  // first 401 from any call (the probe included) replaces them with the login form.
  const [status, setStatus] = useState<Status>({ kind: "ok" });

  const check = useCallback(async (showProgress: boolean) => {
    if (showProgress) setStatus({ kind: "checking" });
    try {
      await probeServer();
      setStatus((s) => (s.kind === "login" ? s : { kind: "ok" }));
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) return; // onUnauthorized shows the form
      setStatus({ kind: "unreachable", error });
    }
  }, []);

  useEffect(() => {
    const off = onUnauthorized((challenge) => setStatus({ kind: "login", scheme: schemeOf(challenge) }));
    void check(false);
    return off;
  }, [check]);

  const signOut = useCallback(() => {
    saveCredentials(null);
    void check(true);
  }, [check]);

  if (status.kind === "checking") return <Loading what="Connecting to the ecsflow server" />;
  if (status.kind === "unreachable") {
    return (
      <main className="center-card">
        <h1>ecsflow</h1>
        <ErrorMessage error={status.error} />
        <button type="button" onClick={() => void check(true)}>
          Try again
        </button>
      </main>
    );
  }
  if (status.kind === "login") {
    return (
      <LoginForm
        scheme={status.scheme}
        onSignedIn={(credentials) => {
          saveCredentials(credentials);
          setStatus({ kind: "ok" });
        }}
      />
    );
  }
  return <AuthContext.Provider value={{ signedIn: loadCredentials() !== null, signOut }}>{children}</AuthContext.Provider>;
}
