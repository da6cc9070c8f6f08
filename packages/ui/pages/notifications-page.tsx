import { useState } from "react";
import { describeError } from "../api/api-error";
import { deleteNotification, readNotifications, type Notification } from "../api/notifications";
import { EmptyState } from "../components/empty-state";
import { ErrorMessage } from "../components/error-message";
import { Loading } from "../components/loading";
import { PageHeader } from "../components/page-header";
import { Section } from "../components/section";
import { useApi } from "../hooks/use-api";
import { DeliveryStatus } from "../notifications/delivery-status";
import { NotificationCreateForm } from "../notifications/notification-create-form";

function filters(n: Notification): string {
  const parts = [
    n.state_types.length || n.state_names.length ? `states ${[...n.state_types, ...n.state_names].join(", ")}` : "every state",
    n.work_pool_names.length ? `pools ${n.work_pool_names.join(", ")}` : null,
    n.deployment_ids.length ? `${n.deployment_ids.length} deployment${n.deployment_ids.length === 1 ? "" : "s"}` : null,
    n.tags.length ? `tags ${n.tags.join(", ")}` : null,
  ];
  return parts.filter(Boolean).join(" · ");
}

/** Webhooks subscribed to run states: each with its last delivery, created and deleted here. */
export function NotificationsPage() {
  const list = useApi((signal) => readNotifications(signal), "notifications", { pollMs: 10_000 });
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<{ name: string; secret: string } | null>(null);
  const [failure, setFailure] = useState<string | null>(null);

  const remove = async (n: Notification) => {
    if (!window.confirm(`Delete the notification "${n.name}"? Its webhook gets no more deliveries.`)) return;
    setFailure(null);
    setCreated(null);
    try {
      await deleteNotification(n.id);
    } catch (err) {
      setFailure(`"${n.name}" was not deleted: ${describeError(err)}`);
    }
    list.reload();
  };

  return (
    <>
      <PageHeader
        title="Notifications"
        subtitle="Webhooks (JSON or Slack) called when runs enter the states they subscribe to."
        actions={
          !creating && (
            <button type="button" className="primary" onClick={() => (setCreating(true), setCreated(null))}>
              New notification
            </button>
          )
        }
      />
      {creating && (
        <Section title="New notification">
          <NotificationCreateForm
            onCreated={(n) => {
              setCreating(false);
              setCreated({ name: n.name, secret: n.secret });
              list.reload();
            }}
            onCancel={() => setCreating(false)}
          />
        </Section>
      )}
      {created && (
        <p className="notice" role="status">
          Notification {created.name} created. Its signing secret, shown only now: <code>{created.secret}</code>
        </p>
      )}
      {failure && (
        <p className="error-message" role="alert">
          {failure}
        </p>
      )}
      <ErrorMessage error={list.error} title="Notifications could not be loaded" />
      {!list.data && !list.error && <Loading what="Loading notifications" />}
      {list.data?.length === 0 && !creating && (
        <EmptyState title="No notifications yet.">
          Create one here, or with <code>ecsflow notification create --url https://…</code>.
        </EmptyState>
      )}
      {list.data && list.data.length > 0 && (
        <div className="table-wrap" tabIndex={0}>
          <table>
            <caption className="visually-hidden">Notifications</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Webhook</th>
                <th scope="col">Runs</th>
                <th scope="col">Last delivery</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.data.map((n) => (
                <tr key={n.id}>
                  <th scope="row">{n.name}</th>
                  <td>
                    <span className="mono">{n.url}</span>
                    <div className="muted">{n.format === "slack" ? "Slack" : "JSON"}</div>
                  </td>
                  <td>{filters(n)}</td>
                  <td>
                    <DeliveryStatus notification={n} />
                  </td>
                  <td>
                    <button type="button" onClick={() => void remove(n)} aria-label={`Delete notification ${n.name}`}>
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
