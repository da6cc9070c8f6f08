import { EmptyState } from "../components/empty-state";
import { PageHeader } from "../components/page-header";
import { Link } from "../router/link";

export function NotFoundPage() {
  return (
    <>
      <PageHeader title="Page not found" />
      <EmptyState title="There is no page at this address.">
        <Link to="/">Go to the dashboard</Link>
      </EmptyState>
    </>
  );
}
