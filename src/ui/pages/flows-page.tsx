import { PageHeader } from "../components/page-header";

export function FlowsPage() {
  return <PageHeader title="FlowsPage" />;
}
