import { PageHeader } from "../components/page-header";

export function WorkPoolDetailPage({ name: _name }: { name: string }) {
  return <PageHeader title="WorkPoolDetailPage" />;
}
