import { PageHeader } from "../components/page-header";

export function WorkPoolCreatePage() {
  return <PageHeader title="WorkPoolCreatePage" />;
}
