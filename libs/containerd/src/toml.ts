// Just enough TOML writing for containerd's files: basic strings and string arrays.
// JSON string escapes (\" \\ \n \uXXXX) are valid TOML basic-string escapes.
export function tomlString(s: string): string {
  return JSON.stringify(s);
}

export function tomlStringArray(items: string[]): string {
  return `[${items.map(tomlString).join(', ')}]`;
}
