// The only error the parser throws: callers map it to FORMERR (or drop the packet).

export class DnsFormatError extends Error {
  override readonly name = 'DnsFormatError';
  constructor(message: string, readonly offset?: number) {
    super(offset === undefined ? message : `${message} at offset ${offset}`);
  }
}
