// The in-memory shape of a DNS message. Names are presentation strings without the
// trailing dot ("kubernetes.default.svc.cluster.local"; the root is ""), with "." and
// "\" inside a label escaped as "\." and "\\", other odd bytes as "\DDD".

export interface Question {
  name: string;
  type: number;
  class: number;
}

interface RRHead {
  name: string;
  class: number;
  ttl: number;
}

export type ResourceRecord =
  | (RRHead & { type: 'A'; address: string })
  | (RRHead & { type: 'AAAA'; address: string })
  | (RRHead & { type: 'CNAME' | 'NS' | 'PTR'; target: string })
  | (RRHead & { type: 'MX'; preference: number; exchange: string })
  | (RRHead & { type: 'SRV'; priority: number; weight: number; port: number; target: string })
  | (RRHead & { type: 'TXT'; texts: string[] })
  | (RRHead & {
      type: 'SOA';
      mname: string;
      rname: string;
      serial: number;
      refresh: number;
      retry: number;
      expire: number;
      minimum: number;
    })
  // Any other type is carried opaquely (RFC 3597), so forwarded answers survive.
  | (RRHead & { type: 'RAW'; code: number; rdata: Buffer });

export type RRType = ResourceRecord['type'];

export interface EdnsOption {
  code: number;
  data: Buffer;
}

/** The OPT pseudo-record (RFC 6891), lifted out of the additional section. */
export interface Edns {
  udpSize: number;
  version: number;
  dnssecOk: boolean;
  options: EdnsOption[];
}

export interface Message {
  id: number;
  qr: boolean;
  opcode: number;
  aa: boolean;
  tc: boolean;
  rd: boolean;
  ra: boolean;
  ad: boolean;
  cd: boolean;
  /** full 12-bit rcode; the upper 8 bits travel in the OPT record */
  rcode: number;
  questions: Question[];
  answers: ResourceRecord[];
  authority: ResourceRecord[];
  additional: ResourceRecord[];
  edns?: Edns;
}
