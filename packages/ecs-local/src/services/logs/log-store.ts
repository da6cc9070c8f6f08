import type { EcsLocalState, LogEventRecord, LogGroupRecord, LogStreamRecord } from "../../state/ecs-local-state.js";

/** CloudWatch Logs' storage: groups, streams and their events, shared by the API and the awslogs driver. */
export class LogStore {
  constructor(
    private readonly state: EcsLocalState,
    private readonly region: string,
    private readonly accountId: string,
  ) {}

  group(name: string): LogGroupRecord | undefined {
    return this.state.data.logGroups[name];
  }

  groups(): LogGroupRecord[] {
    return Object.values(this.state.data.logGroups).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  createGroup(name: string, now: number, tags: Record<string, string> = {}): LogGroupRecord {
    const group: LogGroupRecord = { name, arn: `arn:aws:logs:${this.region}:${this.accountId}:log-group:${name}:*`, createdAt: now, tags, streams: {} };
    this.state.data.logGroups[name] = group;
    this.state.markChanged();
    return group;
  }

  deleteGroup(name: string): void {
    delete this.state.data.logGroups[name];
    this.state.markChanged();
  }

  createStream(group: LogGroupRecord, name: string, now: number): LogStreamRecord {
    const stream: LogStreamRecord = { name, createdAt: now, events: [], storedBytes: 0, sequence: 1 };
    group.streams[name] = stream;
    this.state.markChanged();
    return stream;
  }

  streamArn(group: LogGroupRecord, stream: LogStreamRecord): string {
    return `arn:aws:logs:${this.region}:${this.accountId}:log-group:${group.name}:log-stream:${stream.name}`;
  }

  /** Appends events, keeping the stream sorted by timestamp (equal timestamps keep arrival order). */
  append(stream: LogStreamRecord, events: { timestamp: number; message: string }[], ingestionTime: number): void {
    for (const e of events) {
      const record: LogEventRecord = { timestamp: e.timestamp, message: e.message, ingestionTime };
      const list = stream.events;
      if (list.length === 0 || list[list.length - 1].timestamp <= e.timestamp) {
        list.push(record);
      } else {
        let lo = 0;
        let hi = list.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (list[mid].timestamp <= e.timestamp) lo = mid + 1;
          else hi = mid;
        }
        list.splice(lo, 0, record);
      }
      stream.storedBytes += Buffer.byteLength(e.message, "utf8") + 26;
    }
    stream.lastIngestionTime = ingestionTime;
    stream.sequence++;
    this.state.markChanged();
  }
}
