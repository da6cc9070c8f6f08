/**
 * Turns chunks of a byte stream into lines, keeping a partial last line until it completes.
 * Very long lines are cut so that one runaway line cannot hold unbounded memory.
 */
export class LineSplitter {
  private buffer = "";
  constructor(
    private readonly onLine: (line: string) => void,
    private readonly maxLineLength = 64 * 1024,
  ) {}

  push(chunk: string): void {
    this.buffer += chunk;
    let nl: number;
    while ((nl = this.buffer.indexOf("\n")) >= 0) {
      const line = this.buffer.slice(0, nl).replace(/\r$/, "");
      this.buffer = this.buffer.slice(nl + 1);
      this.onLine(line);
    }
    while (this.buffer.length > this.maxLineLength) {
      this.onLine(this.buffer.slice(0, this.maxLineLength));
      this.buffer = this.buffer.slice(this.maxLineLength);
    }
  }

  end(): void {
    if (this.buffer.length > 0) this.onLine(this.buffer.replace(/\r$/, ""));
    this.buffer = "";
  }
}
