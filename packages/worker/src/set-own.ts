// Job variables and templates are user JSON: a key such as "__proto__" must become a plain own
// property, never the object's prototype (which `obj[key] = value` would set).
export function setOwn<T>(target: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
