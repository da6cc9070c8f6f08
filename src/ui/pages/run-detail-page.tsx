import { PageHeader } from "../components/page-header";

export function RunDetailPage({ id: _id }: { id: string }) {
  return <PageHeader title="RunDetailPage" />;
}
