import { PageHeader } from "../components/page-header";

export function WorkPoolsPage() {
  return <PageHeader title="WorkPoolsPage" />;
}
