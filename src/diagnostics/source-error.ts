// A problem found in a file a user wrote (config, zone, cloaking rules,
// blocklist), with the line to jump to: every loader reports in this shape,
// and `hearth check` and the log print it as `file:line: message`.

export interface SourceError {
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

export function formatError(error: SourceError): string {
  return `${error.file}:${error.line}: ${error.message}`;
}
