/** A small XML reader for AWS query/EC2 responses in tests: elements, attributes, text; no DTDs or CDATA. */
export interface XmlNode {
  name: string;
  attributes: Record<string, string>;
  children: XmlNode[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function decode(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-z]+);/g, (whole, e: string) => {
    if (e.startsWith("#x")) return String.fromCodePoint(parseInt(e.slice(2), 16));
    if (e.startsWith("#")) return String.fromCodePoint(parseInt(e.slice(1), 10));
    return ENTITIES[e] ?? whole;
  });
}

export function parseXml(xml: string): XmlNode {
  const body = xml.replace(/^\s*<\?xml[^>]*\?>/, "");
  const tokens = body.match(/<[^>]+>|[^<]+/g) ?? [];
  const stack: XmlNode[] = [];
  let root: XmlNode | undefined;
  for (const token of tokens) {
    if (token.startsWith("</")) {
      const name = token.slice(2, -1).trim();
      const node = stack.pop();
      if (!node || node.name !== name) throw new Error(`XML: unexpected </${name}>`);
      if (stack.length === 0) root = node;
    } else if (token.startsWith("<")) {
      const selfClosing = token.endsWith("/>");
      const inner = token.slice(1, selfClosing ? -2 : -1).trim();
      const m = /^([^\s/>]+)(.*)$/s.exec(inner);
      if (!m) throw new Error(`XML: bad tag ${token}`);
      const attributes: Record<string, string> = {};
      for (const a of m[2].matchAll(/([^\s=]+)\s*=\s*"([^"]*)"/g)) attributes[a[1]] = decode(a[2]);
      const node: XmlNode = { name: m[1], attributes, children: [], text: "" };
      if (stack.length > 0) stack[stack.length - 1].children.push(node);
      if (selfClosing) {
        if (stack.length === 0) root = node;
      } else {
        stack.push(node);
      }
    } else if (stack.length > 0) {
      stack[stack.length - 1].text += decode(token);
    } else if (token.trim() !== "") {
      throw new Error("XML: text outside the root element");
    }
  }
  if (!root || stack.length > 0) throw new Error("XML: unclosed elements");
  return root;
}
