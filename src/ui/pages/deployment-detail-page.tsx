import { PageHeader } from "../components/page-header";

export function DeploymentDetailPage({ id: _id }: { id: string }) {
  return <PageHeader title="DeploymentDetailPage" />;
}
