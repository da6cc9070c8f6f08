import { AuthGate } from "./auth/auth-gate";
import { Layout } from "./components/layout";
import { CostsPage } from "./pages/costs-page";
import { DashboardPage } from "./pages/dashboard-page";
import { DeploymentDetailPage } from "./pages/deployment-detail-page";
import { DeploymentRunPage } from "./pages/deployment-run-page";
import { DeploymentsPage } from "./pages/deployments-page";
import { FlowsPage } from "./pages/flows-page";
import { NotFoundPage } from "./pages/not-found-page";
import { NotificationsPage } from "./pages/notifications-page";
import { RunDetailPage } from "./pages/run-detail-page";
import { RunsPage } from "./pages/runs-page";
import { WorkPoolCreatePage } from "./pages/work-pool-create-page";
import { WorkPoolDetailPage } from "./pages/work-pool-detail-page";
import { WorkPoolsPage } from "./pages/work-pools-page";
import { useLocation } from "./router/history";
import { matchPath } from "./router/match-path";

/** Path → page; the first match wins, so fixed paths come before `:param` ones. */
function Routes() {
  const { pathname } = useLocation();
  let m: Record<string, string> | null;
  if (matchPath("/", pathname)) return <DashboardPage />;
  if (matchPath("/runs", pathname)) return <RunsPage />;
  if ((m = matchPath("/runs/:id", pathname))) return <RunDetailPage key={m.id} id={m.id} />;
  if (matchPath("/deployments", pathname)) return <DeploymentsPage />;
  if ((m = matchPath("/deployments/:id/run", pathname))) return <DeploymentRunPage key={m.id} id={m.id} />;
  if ((m = matchPath("/deployments/:id", pathname))) return <DeploymentDetailPage key={m.id} id={m.id} />;
  if (matchPath("/work-pools", pathname)) return <WorkPoolsPage />;
  if (matchPath("/work-pools/new", pathname)) return <WorkPoolCreatePage />;
  if ((m = matchPath("/work-pools/:name", pathname))) return <WorkPoolDetailPage key={m.name} name={m.name} />;
  if (matchPath("/flows", pathname)) return <FlowsPage />;
  if (matchPath("/costs", pathname)) return <CostsPage />;
  if (matchPath("/notifications", pathname)) return <NotificationsPage />;
  return <NotFoundPage />;
}

export function App() {
  return (
    <AuthGate>
      <Layout>
        <Routes />
      </Layout>
    </AuthGate>
  );
}
