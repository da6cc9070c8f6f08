import { useEffect, useRef, type ReactNode } from "react";
import { useAuth } from "../auth/auth-context";
import { useLocation } from "../router/history";
import { Link } from "../router/link";

const NAV = [
  { to: "/", label: "Dashboard", match: (p: string) => p === "/" },
  { to: "/runs", label: "Runs", match: (p: string) => p.startsWith("/runs") },
  { to: "/deployments", label: "Deployments", match: (p: string) => p.startsWith("/deployments") },
  { to: "/work-pools", label: "Work pools", match: (p: string) => p.startsWith("/work-pools") },
  { to: "/flows", label: "Flows", match: (p: string) => p.startsWith("/flows") },
  { to: "/costs", label: "Costs", match: (p: string) => p.startsWith("/costs") },
  { to: "/notifications", label: "Notifications", match: (p: string) => p.startsWith("/notifications") },
];

/** Skip link, top navigation and the main region; focus moves to main when the page changes. */
export function Layout({ children }: { children: ReactNode }) {
  const { pathname } = useLocation();
  const { signedIn, signOut } = useAuth();
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);

  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    // A screen reader user hears the new page instead of staying on the link they clicked.
    main.current?.focus({ preventScroll: true });
    window.scrollTo(0, 0);
  }, [pathname]);

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link to="/" className="brand" aria-label="ecsflow home">
          ecsflow
        </Link>
        <nav aria-label="Main">
          <ul>
            {NAV.map((item) => (
              <li key={item.to}>
                <Link to={item.to} aria-current={item.match(pathname) ? "page" : undefined}>
                  {item.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        {signedIn && (
          <button type="button" className="link-button" onClick={signOut}>
            Sign out
          </button>
        )}
      </header>
      <main id="main" tabIndex={-1} ref={main}>
        {children}
      </main>
    </>
  );
}
