import { PageHeader } from "../components/page-header";

export function DeploymentsPage() {
  return <PageHeader title="DeploymentsPage" />;
}
