import { PageHeader } from "../components/page-header";

export function DeploymentRunPage({ id: _id }: { id: string }) {
  return <PageHeader title="DeploymentRunPage" />;
}
