import type { FieldSpec } from "./schema-fields";

interface Props {
  fields: FieldSpec[];
  values: Record<string, string>;
  errors: Record<string, string | undefined>;
  onChange: (name: string, text: string) => void;
  /** Prefix for element ids, unique on the page. */
  idPrefix: string;
}

/** Inputs generated from a JSON Schema's properties; each error sits under its field and is announced. */
export function SchemaFormFields({ fields, values, errors, onChange, idPrefix }: Props) {
  return (
    <>
      {fields.map((f) => {
        const id = `${idPrefix}-${f.name}`;
        const error = errors[f.name];
        const describedBy = [f.description ? `${id}-help` : "", error ? `${id}-error` : ""].filter(Boolean).join(" ") || undefined;
        const common = { id, name: f.name, "aria-invalid": error ? true : undefined, "aria-describedby": describedBy, "aria-required": f.required || undefined };
        const text = values[f.name] ?? "";
        return (
          <div className="field" key={f.name}>
            {f.kind === "boolean" ? (
              <label className="checkbox" htmlFor={id}>
                <input type="checkbox" {...common} checked={text === "true"} onChange={(e) => onChange(f.name, String(e.target.checked))} />
                {f.title}
              </label>
            ) : (
              <label htmlFor={id}>
                {f.title}
                {f.required && <span aria-hidden="true"> *</span>}
                <span className="field-help"> ({f.kind === "json" ? "JSON" : f.kind})</span>
              </label>
            )}
            {f.kind === "enum" && (
              <select {...common} value={text} onChange={(e) => onChange(f.name, e.target.value)}>
                {!f.required && <option value="">(not set)</option>}
                {f.options!.map((o) => (
                  <option key={JSON.stringify(o)} value={JSON.stringify(o)}>
                    {typeof o === "string" ? o : JSON.stringify(o)}
                  </option>
                ))}
              </select>
            )}
            {(f.kind === "string" || f.kind === "integer" || f.kind === "number") && (
              <input {...common} type="text" inputMode={f.kind === "string" ? undefined : "decimal"} value={text} onChange={(e) => onChange(f.name, e.target.value)} />
            )}
            {f.kind === "json" && <textarea {...common} rows={Math.min(10, Math.max(2, text.split("\n").length))} value={text} onChange={(e) => onChange(f.name, e.target.value)} />}
            {f.description && (
              <span id={`${id}-help`} className="field-help">
                {f.description}
              </span>
            )}
            {error && (
              <span id={`${id}-error`} className="field-error">
                {f.title} {error}
              </span>
            )}
          </div>
        );
      })}
    </>
  );
}
