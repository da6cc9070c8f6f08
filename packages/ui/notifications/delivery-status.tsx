import type { Notification } from "../api/notifications";
import { TimeAgo } from "../components/time-ago";

const WORDS: Record<string, string> = { DELIVERED: "Delivered", PENDING: "Retrying", FAILED: "Failed" };

/** The subscription's last delivery: its outcome, when, after how many attempts, and the error. */
export function DeliveryStatus({ notification: n }: { notification: Notification }) {
  if (!n.last_delivery_status) return <span className="muted">No deliveries yet</span>;
  const failed = n.last_delivery_status === "FAILED";
  return (
    <div>
      <strong className={failed ? "field-error" : undefined}>{WORDS[n.last_delivery_status] ?? n.last_delivery_status}</strong>{" "}
      <TimeAgo iso={n.last_delivery_at} />
      {n.last_delivery_attempts !== null && <span className="muted"> · {n.last_delivery_attempts === 1 ? "1 attempt" : `${n.last_delivery_attempts} attempts`}</span>}
      {n.last_delivery_error && <div className="muted">{n.last_delivery_error}</div>}
    </div>
  );
}
